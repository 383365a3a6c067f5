/** Key/value settings stored as JSON; unknown or unreadable values fall back to the defaults. */
import { DEFAULT_SETTINGS, settingsSchema, type Settings } from '../../../shared/domain/settings';
import type { Db } from './database';

export class SettingsRepo {
  private readonly all;
  private readonly upsert;

  constructor(db: Db) {
    this.all = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings');
    this.upsert = db.prepare<[string, string]>(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
  }

  get(): Settings {
    const stored: Record<string, unknown> = {};
    for (const { key, value } of this.all.all()) {
      try {
        stored[key] = JSON.parse(value);
      } catch {
        // A hand-edited bad value must not stop the app; the default stands in for it.
      }
    }
    const merged = { ...DEFAULT_SETTINGS };
    for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
      const field = settingsSchema.shape[key].safeParse(stored[key]);
      if (field.success) (merged as Record<string, unknown>)[key] = field.data;
    }
    return merged;
  }

  /** A whole settings document of another area (e.g. `boot`), or null when never saved or unreadable. */
  getDocument(key: string): unknown {
    const row = this.all.all().find((r) => r.key === key);
    if (!row) return null;
    try {
      return JSON.parse(row.value) as unknown;
    } catch {
      return null;
    }
  }

  setDocument(key: string, value: unknown): void {
    this.upsert.run(key, JSON.stringify(value));
  }

  set(changes: Partial<Settings>): Settings {
    for (const [key, value] of Object.entries(changes)) {
      if (value !== undefined) this.upsert.run(key, JSON.stringify(value));
    }
    return this.get();
  }
}
