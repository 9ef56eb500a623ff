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

/** Python's KeyError: a Manager dict has no such key (getItem, delete, pop without a default). */
export class KeyError extends Error {
  override name = 'KeyError'
}

/** Python's IndexError: a Manager list index out of range, or pop from an empty list. */
export class IndexError extends Error {
  override name = 'IndexError'
}

/** Python's ValueError, as a Manager list's index() and remove() raise it: no such element. */
export class ValueError extends Error {
  override name = 'ValueError'
}

/** Python's AttributeError: a Manager Namespace has no such attribute. */
export class AttributeError extends Error {
  override name = 'AttributeError'
}

const BY_NAME: Record<string, new (message: string) => Error> = { Full, Empty, EOFError, BrokenBarrierError, ProcessError, TypeError, KeyError, IndexError, ValueError, AttributeError }

/** Rebuilds an error the broker reported, as the class the user catches. */
export function errorFromBroker(name: string | undefined, message: string): Error {
  const ErrorClass = (name && BY_NAME[name]) || ProcessError
  return new ErrorClass(message)
}
