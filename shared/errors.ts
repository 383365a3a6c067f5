/**
 * Stable error codes. The renderer keys its behaviour on these (inline field errors, retry
 * buttons), so a code, once shipped, keeps its meaning.
 */
export const ErrorCode = {
  Validation: 'E_VALIDATION',
  NotFound: 'E_NOT_FOUND',
  Conflict: 'E_CONFLICT',
  UnknownMethod: 'E_UNKNOWN_METHOD',
  BadFrame: 'E_BAD_FRAME',
  TooLarge: 'E_TOO_LARGE',
  Cancelled: 'E_CANCELLED',
  Unreachable: 'E_UNREACHABLE',
  Timeout: 'E_TIMEOUT',
  Internal: 'E_INTERNAL',
  Disconnected: 'E_DISCONNECTED',
  StoreCorrupt: 'E_STORE_CORRUPT',
  StoreNewerSchema: 'E_STORE_NEWER_SCHEMA',
  DataDirLocked: 'E_DATA_DIR_LOCKED',
  Unauthorized: 'E_UNAUTHORIZED',
  ConfirmationRequired: 'E_CONFIRMATION_REQUIRED',
  /** No pinned or published checksum: a download needs the user's explicit consent. */
  ChecksumUnknown: 'E_CHECKSUM_UNKNOWN',
  ChecksumMismatch: 'E_CHECKSUM_MISMATCH',
  PortPrivileged: 'E_PORT_PRIVILEGED',
  PortInUse: 'E_PORT_IN_USE',
  InterfaceUnavailable: 'E_INTERFACE_UNAVAILABLE',
  DhcpServerPresent: 'E_DHCP_SERVER_PRESENT',
  /** The node presented a host key other than the pinned one(s): refuse, never trust silently. */
  SshHostKeyMismatch: 'E_SSH_HOSTKEY_MISMATCH',
  /** No host key pinned for the node; details carry the presented key for the user to accept. */
  SshHostKeyUnknown: 'E_SSH_HOSTKEY_UNKNOWN',
  SshAuth: 'E_SSH_AUTH',
  SshUnreachable: 'E_SSH_UNREACHABLE',
  SshTimeout: 'E_SSH_TIMEOUT',
  /** The SSH connection dropped while an operation used it. */
  SshDisconnected: 'E_SSH_DISCONNECTED',
  /** sudo on the node asks for a password and none was given (or it was wrong). */
  SshSudoPassword: 'E_SSH_SUDO_PASSWORD',
  SshTransfer: 'E_SSH_TRANSFER',
  /** A recipe step failed; the job's result still lists every step. */
  RecipeFailed: 'E_RECIPE_FAILED',
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** One problem with one input field; `path` is the field's path in the method's input. */
export interface FieldIssue {
  path: (string | number)[];
  message: string;
}

/**
 * The error every layer throws on purpose. Anything else that escapes a handler is a bug and is
 * reported as E_INTERNAL without its stack reaching the client.
 */
export class RackpilotError extends Error {
  constructor(
    readonly code: ErrorCodeValue | (string & {}),
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'RackpilotError';
  }
}

/** Details shape for E_VALIDATION and E_CONFLICT, so the UI can put the message beside the field. */
export interface FieldErrorDetails {
  issues: FieldIssue[];
}

export function fieldError(
  code: ErrorCodeValue,
  path: (string | number)[],
  message: string,
): RackpilotError {
  const details: FieldErrorDetails = { issues: [{ path, message }] };
  return new RackpilotError(code, message, details);
}
