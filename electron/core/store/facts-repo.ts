/** The latest facts per node, stored as one JSON document (the shape is the domain type's). */
import type { NodeFacts } from '../../../shared/domain/facts';
import type { Db } from './database';

export class FactsRepo {
  private readonly byNode;
  private readonly upsert;

  constructor(db: Db) {
    this.byNode = db.prepare<[string], { facts: string }>('SELECT facts FROM node_facts WHERE node_id = ?');
    this.upsert = db.prepare<[string, string, string]>(
      'INSERT INTO node_facts (node_id, facts, gathered_at) VALUES (?, ?, ?) ON CONFLICT(node_id) DO UPDATE SET facts = excluded.facts, gathered_at = excluded.gathered_at',
    );
  }

  get(nodeId: string): NodeFacts | null {
    const row = this.byNode.get(nodeId);
    if (!row) return null;
    try {
      return JSON.parse(row.facts) as NodeFacts;
    } catch {
      return null;
    }
  }

  set(nodeId: string, facts: NodeFacts): void {
    this.upsert.run(nodeId, JSON.stringify(facts), facts.gatheredAt);
  }
}
