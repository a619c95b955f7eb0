/** Connectors: the integrations an org has configured (Prometheus, Loki, a docs folder…). */
import type { Connector, ConnectorInput } from '../schemas.js';

export interface ConnectorStore {
  /** A second connector with the same id is a `conflict`. */
  createConnector(c: ConnectorInput & { id: string }): Promise<Connector>;
  listConnectors(): Promise<Connector[]>;
}
