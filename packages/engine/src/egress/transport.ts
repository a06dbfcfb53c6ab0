/** A fully built partner request: URL final, auth injected, body encoded. */
export interface TransportRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Buffer;
  timeoutMs: number;
  maxResponseBytes: number;
}

export interface TransportResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Where partner requests go: the network (network-transport.ts) or recorded interactions
 * (contracts/recorded-transport.ts). Failures are EngineErrors with run error codes.
 */
export interface Transport {
  send(request: TransportRequest): Promise<TransportResponse>;
}
