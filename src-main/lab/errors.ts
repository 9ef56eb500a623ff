// Errors a lab script can catch with `instanceof`. Python raises ValueError/AssertionError for
// misuse of a Process; ProcLab throws one ProcessError with a plain message instead.

export class ProcessError extends Error {
  override name = 'ProcessError'
}

/** The lab API was used where it cannot work (outside a lab process). */
export class LabContextError extends Error {
  override name = 'LabContextError'
}

/** Python's queue.Full: a put that could not happen (full, with block false or after the timeout). */
export class Full extends Error {
  override name = 'Full'
}

/** Python's queue.Empty: a get that found nothing (with block false or after the timeout). */
export class Empty extends Error {
  override name = 'Empty'
}

/** Python's EOFError: nothing left to receive and every holder of the other end has closed it. */
export class EOFError extends Error {
  override name = 'EOFError'
}

/** Python's threading.BrokenBarrierError. */
export class BrokenBarrierError extends Error {
  override name = 'BrokenBarrierError'
}

const BY_NAME: Record<string, new (message: string) => Error> = { Full, Empty, EOFError, BrokenBarrierError, ProcessError, TypeError }

/** Rebuilds an error the broker reported, as the class the user catches. */
export function errorFromBroker(name: string | undefined, message: string): Error {
  const ErrorClass = (name && BY_NAME[name]) || ProcessError
  return new ErrorClass(message)
}
