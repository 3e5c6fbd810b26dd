// A port or address the process was told to listen on that it cannot have. Node's own error
// ("listen EADDRINUSE: address already in use 127.0.0.1:9101") names neither the setting nor
// what to do; this one names the INTERFLOW_* variable to change, so start-up stops with a
// message an operator can act on (exit 2, as for a bad variable).

export class ListenError extends Error {
  readonly code = 'LISTEN_FAILED';
  constructor(
    /** The variable that chose the port (or, for an address not on this machine, the host). */
    readonly variable: string,
    readonly address: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ListenError';
  }
}

export interface ListenSetting {
  /** The variable that sets the port, e.g. INTERFLOW_METRICS_PORT. */
  portVariable: string;
  /** The variable that sets the address, e.g. INTERFLOW_METRICS_HOST (none: a fixed address). */
  hostVariable?: string;
  host: string;
  port: number;
}

/**
 * The error to report for a failed listen(): a ListenError naming the variable to change when
 * the system said why (port taken, port needs privileges, address not here); anything else as
 * it came.
 */
export function listenError(setting: ListenSetting, err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  const { portVariable, hostVariable, host, port } = setting;
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return new ListenError(
        portVariable,
        address,
        `${address} is already in use by another process; set ${portVariable} to a free port, or to 0 to let the system choose one`,
      );
    case 'EACCES':
      return new ListenError(
        portVariable,
        address,
        `listening on ${address} is not permitted (ports below 1024 need privileges); set ${portVariable} to a port above 1023`,
      );
    case 'EADDRNOTAVAIL':
      if (!hostVariable) return err;
      return new ListenError(
        hostVariable,
        address,
        `${host} is not an address of this machine; set ${hostVariable} to one of its addresses, 127.0.0.1 or 0.0.0.0`,
      );
    default:
      return err;
  }
}
