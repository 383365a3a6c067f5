/** Rows of the `profiles` table (user profiles) <-> Profile objects. Built-ins are not stored. */
import type { Profile, ProfileSpec } from '../../../../shared/domain/profile';
import type { Db } from '../../store/database';

interface ProfileRow {
  id: string;
  name: string;
  spec: string;
  created_at: string;
  updated_at: string;
}

function toProfile(r: ProfileRow): Profile {
  const spec = JSON.parse(r.spec) as Omit<ProfileSpec, 'name'>;
  return { ...spec, id: r.id, name: r.name, builtIn: false, createdAt: r.created_at, updatedAt: r.updated_at };
}

function toRow(p: Profile): ProfileRow {
  const { id, name, builtIn: _builtIn, createdAt, updatedAt, ...spec } = p;
  return { id, name, spec: JSON.stringify(spec), created_at: createdAt, updated_at: updatedAt };
}

export class ProfilesRepo {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      all: db.prepare<[], ProfileRow>('SELECT * FROM profiles ORDER BY name COLLATE NOCASE'),
      byId: db.prepare<[string], ProfileRow>('SELECT * FROM profiles WHERE id = ?'),
      insert: db.prepare<[ProfileRow]>('INSERT INTO profiles (id, name, spec, created_at, updated_at) VALUES (@id, @name, @spec, @created_at, @updated_at)'),
      update: db.prepare<[ProfileRow]>('UPDATE profiles SET name = @name, spec = @spec, updated_at = @updated_at WHERE id = @id'),
      remove: db.prepare<[string]>('DELETE FROM profiles WHERE id = ?'),
      armedNodes: db.prepare<[string], { name: string }>('SELECT name FROM nodes WHERE profile_id = ? AND netboot = 1 ORDER BY name'),
    };
  }

  list(): Profile[] {
    return this.stmts.all.all().map(toProfile);
  }

  get(id: string): Profile | undefined {
    const row = this.stmts.byId.get(id);
    return row ? toProfile(row) : undefined;
  }

  insert(p: Profile): void {
    this.stmts.insert.run(toRow(p));
  }

  update(p: Profile): void {
    this.stmts.update.run(toRow(p));
  }

  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes > 0;
  }

  /** Names of nodes whose next network boot installs this profile. */
  armedNodeNames(id: string): string[] {
    return this.stmts.armedNodes.all(id).map((r) => r.name);
  }
}
