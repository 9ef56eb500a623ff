// Errors a lab script can catch with `instanceof`. Python raises ValueError/AssertionError for
// misuse of a Process; ProcLab throws one ProcessError with a plain message instead.

export class ProcessError extends Error {
  override name = 'ProcessError'
}

/** The lab API was used where it cannot work (outside a lab process). */
export class LabContextError extends Error {
  override name = 'LabContextError'
}
