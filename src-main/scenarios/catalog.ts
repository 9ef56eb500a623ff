// The built-in scenarios: lab scripts that ship with ProcLab, each teaching one lesson of the
// tutorial. Metadata lives here, not in the scripts, so the host never imports user-level code.
import { join } from 'node:path'
import type { ScenarioInfo } from '../../src-shared/contract'
import { packageRoot } from '../package-root'

export interface Scenario extends ScenarioInfo {
  /** File name inside src-main/scenarios; the build copies them to out/main/scenarios. */
  file: string
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'hello',
    file: 'hello.mjs',
    title: { en: 'Two ways to start a process', zh: '开启子进程的两种方式' },
    lesson: {
      en: 'A child runs an exported function by reference, another is a Process subclass with run(); each prints its own pid and its parent’s.',
      zh: '一个子进程按引用运行导出的函数，另一个是重写 run() 的 Process 子类；各自打印自己和父进程的 pid。',
    },
  },
  {
    id: 'join',
    file: 'join.mjs',
    title: { en: 'join: start all, then wait', zh: 'join：先全部启动，再等待' },
    lesson: {
      en: 'Three children sleep 1 s, 2 s and 3 s. Started together and then joined, they overlap: the whole run takes about 3 s, the longest sleep.',
      zh: '三个子进程分别睡 1、2、3 秒。同时启动后再逐个 join，它们并行运行：总耗时约 3 秒，即最长的那个。',
    },
  },
  {
    id: 'join-serial',
    file: 'join-serial.mjs',
    title: { en: 'join: one at a time', zh: 'join：一个接一个' },
    lesson: {
      en: 'The same three children, but each is joined before the next starts: they run one after another and the run takes about 1 + 2 + 3 = 6 s.',
      zh: '同样三个子进程，但每个启动后立刻 join，再启动下一个：它们串行运行，总耗时约 1 + 2 + 3 = 6 秒。',
    },
  },
  {
    id: 'daemon',
    file: 'daemon.mjs',
    title: { en: 'Daemon processes', zh: '守护进程' },
    lesson: {
      en: 'A daemonic child is ended as soon as its parent’s main returns; a normal child is waited for.',
      zh: '守护子进程在父进程主代码结束时立即被终止；普通子进程则会被等待完成。',
    },
  },
  {
    id: 'data-isolation',
    file: 'data-isolation.mjs',
    title: { en: 'Each process has its own data', zh: '进程之间数据隔离' },
    lesson: {
      en: 'A child lowers a module-level stock count from 100 to 70. The parent still sees 100 afterwards: each process works on its own copy of the variables, so results travel back through a Queue (or a Pipe, or a Value).',
      zh: '子进程把模块级的库存从 100 改成 70，之后父进程看到的仍是 100：每个进程操作的是自己那份变量，所以结果要通过 Queue（或 Pipe、Value）传回来。',
    },
  },
  {
    id: 'process-attributes',
    file: 'process-attributes.mjs',
    title: { en: 'A process handle: name, pid, isAlive(), exitCode', zh: '进程对象的属性：name、pid、isAlive()、exitCode' },
    lesson: {
      en: 'Before start() a process has a name but no pid; once started it is alive. terminate() only sends SIGTERM, so right after it isAlive() can still say true and exitCode is null; after join() it is false and exitCode is -15.',
      zh: 'start() 之前进程已有名字但没有 pid；启动后它是存活的。terminate() 只是发出 SIGTERM，所以紧接着 isAlive() 仍可能为 true、exitCode 为 null；join() 之后为 false，exitCode 为 -15。',
    },
  },
  {
    id: 'zombie',
    file: 'zombie.mjs',
    title: { en: 'A real zombie process', zh: '真正的僵尸进程' },
    lesson: {
      en: 'A process that has exited stays in the process table as a zombie (state Z) until its parent collects its exit status; then it is gone. Node reaps its own children at once, so spawnUnreaped starts a plain OS process with posix_spawnp, which Node does not know of: it prints a line and exits, and for 3 s main does not reap it. The Lab tree and the System tab show it as a zombie under main; reap() (waitpid) removes it. Linux only: Windows has no zombies, a process that has ended is gone once its last handle closes.',
      zh: '已退出的进程会以僵尸状态（Z）留在进程表里，直到父进程取走它的退出状态，之后才消失。Node 会立刻回收自己的子进程，所以 spawnUnreaped 用 posix_spawnp 启动一个 Node 不知道的普通系统进程：它打印一行就退出，而主进程 3 秒内不回收它。实验进程树和“系统”标签页都会在主进程下把它显示为僵尸；调用 reap()（waitpid）后它就消失了。仅限 Linux：Windows 没有僵尸进程，进程结束后最后一个句柄关闭它就不在了。',
    },
  },
  {
    id: 'orphan',
    file: 'orphan.mjs',
    title: { en: 'A real orphan process', zh: '真正的孤儿进程' },
    lesson: {
      en: 'A parent is terminated while its child runs. terminate() does not end the child: it runs on as an orphan, and the OS gives it a new parent, whose pid the Lab tree and the output show as it changes. On Linux the adopter is the nearest ancestor that declared itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER; systemd’s user manager does), or else init, pid 1 of its pid namespace. ProcLab’s host is not a subreaper: it leaves adoption to the OS and ends the orphan with the run. macOS hands orphans to launchd (pid 1); Windows keeps the old parent pid and adopts nobody.',
      zh: '父进程在子进程运行时被终止。terminate() 不会结束子进程：它作为孤儿继续运行，系统为它指定新的父进程，实验进程树和输出会显示它变化后的父进程 pid。在 Linux 上，收养者是最近一个声明自己为“子进程收割者”的祖先（prctl PR_SET_CHILD_SUBREAPER，例如 systemd 的用户管理器），否则是所在 pid 命名空间的 init（pid 1）。ProcLab 的宿主进程不是收割者：它把收养交给系统，并在运行结束时结束这个孤儿。macOS 把孤儿交给 launchd（pid 1）；Windows 则保留原来的父进程 pid，不会有人收养。',
    },
  },
  {
    id: 'long-sleeper',
    file: 'long-sleeper.mjs',
    title: { en: 'A process to kill', zh: '一个等你结束的进程' },
    lesson: {
      en: 'A child sleeps for ten minutes. Kill it or terminate it from its row and watch its exit code: -15 for SIGTERM, -9 for SIGKILL.',
      zh: '子进程睡眠十分钟。在它的行上终止或杀死它，观察退出码：SIGTERM 为 -15，SIGKILL 为 -9。',
    },
  },
  {
    id: 'printers-join',
    file: 'printers-join.mjs',
    title: { en: 'Three printers, one at a time (join)', zh: '三台打印机轮流打印（join）' },
    lesson: {
      en: 'Each printer is joined before the next starts, so their lines never mix. The order is the one written in the code, not who was ready first: serial, but not fair.',
      zh: '每台打印机在下一台启动前就被 join，所以输出从不交错。但顺序由代码写死，而不是谁先准备好：串行了，却不公平。',
    },
  },
  {
    id: 'printers-lock',
    file: 'printers-lock.mjs',
    title: { en: 'Three printers share a Lock', zh: '三台打印机共用一把锁' },
    lesson: {
      en: 'All printers run at once; only printing is guarded by one shared Lock. Jobs never overlap, and the lock serves printers in the order they asked for it, so nobody cuts in.',
      zh: '打印机同时运行，只有打印这一段由同一把锁保护。任务从不重叠，锁按请求先后依次分配，没有人能插队。',
    },
  },
  {
    id: 'tickets-lock',
    file: 'tickets-lock.mjs',
    title: { en: 'Buying tickets with a lock', zh: '加锁抢票' },
    lesson: {
      en: 'Ten buyers, three tickets in a JSON file. Reading the count, waiting and writing it back happen under one Lock, so exactly three buyers succeed and the count stops at 0.',
      zh: '十个买家抢 JSON 文件里的三张票。读余票、等待、写回都在同一把锁内完成，所以恰好三人成功，余票停在 0。',
    },
  },
  {
    id: 'tickets-race',
    file: 'tickets-race.mjs',
    title: { en: 'Buying tickets without a lock', zh: '不加锁抢票' },
    lesson: {
      en: 'The same ten buyers without the lock: all of them read the count before anyone writes it back, so far more than three are told they got a ticket. Processes share files, not safety.',
      zh: '同样十个买家，但不加锁：大家都在别人写回之前读到了余票，于是远超三人被告知买到了票。进程能共用文件，却不会自动互斥。',
    },
  },
  {
    id: 'value-counter',
    file: 'value-counter.mjs',
    title: { en: 'A shared counter: Value and its lock', zh: '共享计数器：Value 与它的锁' },
    lesson: {
      en: 'Four processes each add 1 to a shared Value 100,000 times. `counter.value += 1` is a read and then a write: without the lock two processes read the same number and one +1 is lost, so the total comes out short. Holding counter.getLock() around each +1 makes it exact: 400,000.',
      zh: '四个进程各自对共享的 Value 加 1 共 10 万次。`counter.value += 1` 是先读后写：不加锁时两个进程会读到同一个数，其中一次 +1 就丢了，总数偏少。每次 +1 都持有 counter.getLock()，结果就准确：400,000。',
    },
  },
  {
    id: 'manager-dict',
    file: 'manager-dict.mjs',
    title: { en: 'Sharing results: a Manager dict and list', zh: '共享结果：Manager 的 dict 与 list' },
    lesson: {
      en: 'Processes share nothing unless they are given a shared object. Four workers first write their results into a plain object: each writes into its own copy, and the main process finds it empty. Given a Manager’s dict and list instead, whose data the broker holds, every write is a call to it: the main process reads all four results, and the list records who finished first.',
      zh: '进程之间什么都不共享，除非把共享对象交给它们。四个工作进程先把结果写进普通对象：每个写的都是自己的那份，主进程看到的仍是空的。换成 Manager 的 dict 和 list 后，数据由 broker 持有，每次写入都是对它的一次调用：主进程读到了全部四个结果，list 还记下了完成的先后。',
    },
  },
  {
    id: 'queue-basics',
    file: 'queue-basics.mjs',
    title: { en: 'Queue basics: maxsize, Full and Empty', zh: '队列基础：maxsize、Full 与 Empty' },
    lesson: {
      en: 'A Queue is first in, first out. On a full queue put waits, putNowait throws Full, and put with a timeout throws Full when it runs out; get does the same with Empty on an empty queue.',
      zh: '队列先进先出。队列满时 put 会阻塞，putNowait 抛出 Full，带超时的 put 到时抛出 Full；队列空时 get 同理，抛出 Empty。',
    },
  },
  {
    id: 'flash-sale',
    file: 'flash-sale.mjs',
    title: { en: 'Flash sale: 100 buyers, a Queue(10)', zh: '秒杀：100 人抢 10 件' },
    lesson: {
      en: 'One hundred processes each try putNowait on a Queue(10). The queue is the stock: the first ten get in, in order, and the other ninety get Full at once. No lock of your own is needed.',
      zh: '一百个进程各自向 Queue(10) 做一次 putNowait。队列就是库存：前十个按先后进入，其余九十个立刻得到 Full。无需自己加锁。',
    },
  },
  {
    id: 'pipe-eof',
    file: 'pipe-eof.mjs',
    title: { en: 'Pipe: 100 messages, then EOF', zh: '管道：100 条消息后 EOF' },
    lesson: {
      en: 'Writer and reader each close the end they do not use. When the writer closes its end after 100 messages, the reader receives all of them and then EOFError tells it the stream is over.',
      zh: '写方和读方各自关闭不用的那一端。写方发完 100 条后关闭写端，读方收完全部消息，随后 EOFError 告诉它数据已结束。',
    },
  },
  {
    id: 'pipe-hang',
    file: 'pipe-hang.mjs',
    title: { en: 'Pipe: the reader that never sees EOF', zh: '管道：永远等不到 EOF 的读方' },
    lesson: {
      en: 'The reader forgets to close its own copy of the write end, so after the 100 messages it waits for an EOF that cannot come. It gives up by a timeout; once it closes that end, EOF comes at once.',
      zh: '读方忘了关闭自己持有的写端，收完 100 条后便一直等待不可能到来的 EOF。它靠超时放弃；一关掉那个写端，EOF 立刻到来。',
    },
  },
  {
    id: 'producer-consumer-timeout',
    file: 'producer-consumer-timeout.mjs',
    title: { en: 'Producers and consumers: stop by timeout', zh: '生产者消费者：超时退出' },
    lesson: {
      en: 'Two producers and three consumers share a Queue, which buffers and decouples them. Consumers stop after the queue stays empty for a while: easy, but only a guess about when the work is over.',
      zh: '两个生产者和三个消费者共用一个队列，队列起缓冲和解耦作用。消费者在队列空了一段时间后退出：简单，但何时结束只是猜测。',
    },
  },
  {
    id: 'producer-consumer-sentinel',
    file: 'producer-consumer-sentinel.mjs',
    title: { en: 'Producers and consumers: stop by sentinel', zh: '生产者消费者：结束标记' },
    lesson: {
      en: 'After joining the producers, main puts one null per consumer. Each consumer stops at its null; the nulls queue behind the real items, so every item is eaten and nobody waits longer than needed.',
      zh: '主进程 join 生产者后，为每个消费者放入一个 null。消费者取到 null 即退出；null 排在真实数据之后，所以每件都被消费，也没有多余等待。',
    },
  },
  {
    id: 'producer-consumer-joinable',
    file: 'producer-consumer-joinable.mjs',
    title: { en: 'Producers and consumers: JoinableQueue', zh: '生产者消费者：JoinableQueue' },
    lesson: {
      en: 'Consumers confirm each item with taskDone() and loop forever as daemons. join() on the queue returns when every item is confirmed; then main returns and the daemonic consumers end with it.',
      zh: '消费者以守护进程身份无限循环，每处理一件就调用 taskDone()。队列的 join() 在全部确认后返回，主进程随即结束，守护消费者也随之终止。',
    },
  },
  {
    id: 'producer-consumer-pipe',
    file: 'producer-consumer-pipe.mjs',
    title: { en: 'Producers and consumers over a Pipe', zh: '用管道实现生产者消费者' },
    lesson: {
      en: 'Producers hold only the send end, consumers only the receive end, and main closes both of its own. When the last producer closes its end, consumers get EOFError after the last item.',
      zh: '生产者只持有发送端，消费者只持有接收端，主进程关闭自己手里的两端。最后一个生产者关闭发送端后，消费者取完数据便得到 EOFError。',
    },
  },
  {
    id: 'event-flood',
    file: 'event-flood.mjs',
    title: { en: 'A flood of events', zh: '事件洪流' },
    lesson: {
      en: 'Four printers write 100,000 lines a second between them for 5 s while a producer passes 5,000 items to a consumer through a Queue. The screen stays responsive and every counter ends exact: 500,000 lines, 5,000 puts and gets.',
      zh: '四个打印进程 5 秒内每秒共输出 10 万行，同时生产者通过队列把 5000 个数据交给消费者。界面保持流畅，所有计数最终准确：50 万行输出，5000 次 put 和 get。',
    },
  },
  {
    id: 'pool-map',
    file: 'pool-map.mjs',
    title: { en: 'Pool.map: n workers, about n times faster', zh: 'Pool.map：n 个工作进程，约快 n 倍' },
    lesson: {
      en: 'The same 8 CPU-bound tasks run through Pool.map on one worker, then on one worker per CPU. Each task is pure computation, so with n free cores the second map takes about 1/n of the time; the results come back in the order of the tasks either way.',
      zh: '同样 8 个计算密集型任务先用 1 个工作进程的 Pool.map 运行，再用每个 CPU 一个工作进程运行。任务只做计算，所以有 n 个空闲核心时第二次约只需 1/n 的时间；两次的结果都按任务顺序返回。',
    },
  },
  {
    id: 'pool-chunks',
    file: 'pool-chunks.mjs',
    title: { en: 'Pool.map: what chunkSize changes', zh: 'Pool.map：chunkSize 改变了什么' },
    lesson: {
      en: 'The same 2,000 tiny tasks on 2 workers with chunkSize 1, the default and 1,000. Each chunk is one message to a worker and one back: 2,000 chunks cost far more than 8 or 2, for the same work and the same results.',
      zh: '同样 2000 个极小任务、2 个工作进程，分别用 chunkSize 1、默认值和 1000。每个分块是发给工作进程的一条消息加一条回复：2000 个分块比 8 个或 2 个慢得多，而工作量和结果都相同。',
    },
  },
  // ── Issue 17, deadlocks named ──
  {
    id: 'deadlock-two-locks',
    file: 'deadlock-two-locks.mjs',
    title: { en: 'Deadlock: two locks in opposite order', zh: '死锁：两把锁，顺序相反' },
    lesson: {
      en: 'worker-1 holds lock-a and asks for lock-b while worker-2 holds lock-b and asks for lock-a: each waits for the other forever. ProcLab names the cycle as it forms. Main gives up after 3 s and terminates both. The cure: every process takes the locks in one order.',
      zh: 'worker-1 持有 lock-a 又请求 lock-b，同时 worker-2 持有 lock-b 又请求 lock-a：两者永远互相等待。循环一形成，ProcLab 就指出它。主进程等 3 秒后放弃并终止二者。解决办法：所有进程按同一顺序取锁。',
    },
  },
  {
    id: 'dining-philosophers',
    file: 'dining-philosophers.mjs',
    title: { en: 'Dining philosophers: the deadlock', zh: '哲学家就餐：死锁' },
    lesson: {
      en: 'Five philosophers, five forks (Locks); each picks up the left fork, then the right. When all five hold their left fork, nobody can ever take a right one: a cycle of five waits, which ProcLab names. Main gives up after 3 s and terminates them.',
      zh: '五位哲学家、五把叉子（Lock）；每人先拿左手的叉子，再拿右手的。当五人都拿着左叉时，谁也拿不到右叉：五个等待连成一个循环，ProcLab 会指出它。主进程等 3 秒后放弃并终止他们。',
    },
  },
  {
    id: 'dining-philosophers-fixed',
    file: 'dining-philosophers-fixed.mjs',
    title: { en: 'Dining philosophers: the fix', zh: '哲学家就餐：修正' },
    lesson: {
      en: 'The same table, but each philosopher picks up the lower-numbered of their two forks first, so the last one reaches right before left. With one order for all the locks, no cycle of waits can form: all eat three meals and the run ends by itself.',
      zh: '同一张桌子，但每位哲学家先拿两把叉子中编号较小的那把，于是最后一位先拿右叉再拿左叉。所有锁都按同一顺序获取，就不会形成等待循环：每人吃完三顿，程序自己结束。',
    },
  },
]

/** The copy in the build output: the one an installed app has (see electron.vite.config.ts). */
export function scenarioPath(scenario: Scenario): string {
  return join(packageRoot(), 'out', 'main', 'scenarios', scenario.file)
}

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.id === id)
}

export function scenarioInfo({ id, title, lesson }: Scenario): ScenarioInfo {
  return { id, title, lesson }
}
