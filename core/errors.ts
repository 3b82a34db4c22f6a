/**
 * Errors a user can act on. The CLI prints `message` as one line and exits non-zero;
 * anything else is a bug and gets a stack trace.
 */
export class HeadstartError extends Error {
  constructor(
    message: string,
    /** Stable machine-readable code, printed with --json. */
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input data: the message names the file and, where known, the row, column or series. */
export class DataError extends HeadstartError {
  constructor(message: string, code = 'bad-data') {
    super(message, code);
  }
}

/** A model folder or weights that cannot be used (missing, tampered, wrong version). */
export class ModelError extends HeadstartError {
  constructor(message: string, code = 'bad-model') {
    super(message, code);
  }
}

/** A request that does not fit the chosen components (unknown id, horizon too long…). */
export class UsageError extends HeadstartError {
  constructor(message: string, code = 'bad-usage') {
    super(message, code);
  }
}
