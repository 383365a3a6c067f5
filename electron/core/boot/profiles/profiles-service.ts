/**
 * Boot profiles: the built-ins (in code, read-only) and the user's own (the `profiles` table):
 * list, get, create, clone, edit, delete, and render one for a node.
 */
import { randomUUID } from 'node:crypto';
import type { Node } from '../../../../shared/domain/node';
import {
  profileCloneInput,
  profileCreateInput,
  profileSpecSchema,
  profileUpdateInput,
  type Profile,
  type ProfileCloneInput,
  type ProfileCreateInput,
  type ProfileSpec,
  type ProfileUpdateInput,
} from '../../../../shared/domain/profile';
import { ErrorCode, fieldError, RackpilotError } from '../../../../shared/errors';
import type { AuditLog } from '../../events/audit';
import { zodToRackpilot } from '../../rpc/errors';
import type { Db } from '../../store/database';
import { BUILT_IN_PROFILES, builtInProfile } from './builtin-profiles';
import { checkProfileSpec } from './check-profile';
import { ProfilesRepo } from './profiles-repo';
import {
  renderInstallBoot,
  renderMetaData,
  renderNetworkConfig,
  renderPreseed,
  renderUserData,
  templateVars,
  VENDOR_DATA,
  type BootServer,
  type InstallBoot,
  type StaticInterface,
} from './render';

/** Everything the boot HTTP server serves for one node's install. */
export interface RenderedProfile {
  profile: Profile;
  boot: InstallBoot;
  userData: string;
  metaData: string;
  vendorData: string;
  networkConfig: string;
  /** Only for preseed profiles. */
  preseed: string | null;
}

export class ProfilesService {
  private readonly repo: ProfilesRepo;

  constructor(
    db: Db,
    private readonly audit: AuditLog,
    /** URL path of an asset, from the asset cache; throws for an unknown asset id. */
    private readonly assetPath: (assetId: string) => string,
    private readonly onChange: (profile: Profile | { id: string; removed: true }) => void = () => {},
  ) {
    this.repo = new ProfilesRepo(db);
  }

  list(): Profile[] {
    return [...BUILT_IN_PROFILES, ...this.repo.list()];
  }

  get(id: string): Profile {
    const profile = builtInProfile(id) ?? this.repo.get(id);
    if (!profile) throw new RackpilotError(ErrorCode.NotFound, `No boot profile with id ${id}; it may have been deleted. Choose another profile.`);
    return profile;
  }

  create(input: ProfileCreateInput): Profile {
    const spec = this.validate(profileCreateInput, input, 'profiles.create');
    const now = new Date().toISOString();
    const profile: Profile = { ...spec, id: randomUUID(), builtIn: false, createdAt: now, updatedAt: now };
    this.save(profile, 'insert');
    this.audit.record({ actor: 'user', kind: 'profile.created', subjectId: profile.id, summary: `Created boot profile ${profile.name}` });
    return profile;
  }

  clone(input: ProfileCloneInput): Profile {
    const { id, name } = this.validate(profileCloneInput, input, 'profiles.clone');
    const { id: _id, builtIn: _b, createdAt: _c, updatedAt: _u, ...spec } = this.get(id);
    const copy = this.create({ ...spec, name });
    this.audit.record({ actor: 'user', kind: 'profile.cloned', subjectId: copy.id, summary: `Boot profile ${name} is a copy of ${spec.name}`, data: { from: id } });
    return copy;
  }

  update(input: ProfileUpdateInput): Profile {
    const { id, changes } = this.validate(profileUpdateInput, input, 'profiles.update');
    const current = this.userProfile(id, 'edit');
    const { id: _id, builtIn: _b, createdAt: _c, updatedAt: _u, ...spec } = current;
    const next: ProfileSpec = this.validate(profileSpecSchema, { ...spec, ...changes }, 'profiles.update');
    const profile: Profile = { ...current, ...next, updatedAt: new Date().toISOString() };
    this.save(profile, 'update');
    this.audit.record({ actor: 'user', kind: 'profile.updated', subjectId: id, summary: `Edited boot profile ${profile.name}`, data: { fields: Object.keys(changes) } });
    return profile;
  }

  remove(id: string): void {
    const profile = this.userProfile(id, 'delete');
    const armed = this.repo.armedNodeNames(id);
    if (armed.length > 0) {
      throw new RackpilotError(ErrorCode.Conflict, `Boot profile ${profile.name} is armed for the next install of ${armed.join(', ')}; cancel those installs or pick another profile first.`);
    }
    this.repo.remove(id);
    this.audit.record({ actor: 'user', kind: 'profile.removed', subjectId: id, summary: `Deleted boot profile ${profile.name}` });
    this.onChange({ id, removed: true });
  }

  /**
   * The node's boot and seed files, for the seed token its install was armed with; `extraInterfaces`
   * are NICs whose static addresses the network-config sets besides DHCP on the PXE NIC (on the
   * kernel command line too, when there are any).
   */
  render(profileId: string, node: Node, seedToken: string, server: Omit<BootServer, 'assetPath'>, extraInterfaces: readonly StaticInterface[] = []): RenderedProfile {
    const profile = this.get(profileId);
    const vars = templateVars(profile, node, seedToken, { ...server, assetPath: this.assetPath });
    const networkConfig = renderNetworkConfig(node, extraInterfaces);
    return {
      profile,
      boot: renderInstallBoot(profile, vars, extraInterfaces.length > 0 ? networkConfig : null),
      userData: renderUserData(profile, vars),
      metaData: renderMetaData(node, seedToken),
      vendorData: VENDOR_DATA,
      networkConfig,
      preseed: renderPreseed(profile, vars),
    };
  }

  private userProfile(id: string, verb: string): Profile {
    const profile = this.get(id);
    if (profile.builtIn) throw new RackpilotError(ErrorCode.Conflict, `${profile.name} is a built-in profile and cannot be changed; clone it to ${verb} a copy.`);
    return profile;
  }

  private validate<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } }, input: unknown, what: string): T {
    const parsed = schema.safeParse(input);
    if (!parsed.success) throw zodToRackpilot(parsed.error, what);
    return parsed.data;
  }

  private save(profile: Profile, op: 'insert' | 'update'): void {
    checkProfileSpec(profile, this.assetPath);
    if (BUILT_IN_PROFILES.some((p) => p.name.toLowerCase() === profile.name.toLowerCase())) {
      throw fieldError(ErrorCode.Conflict, ['name'], `"${profile.name}" is the name of a built-in profile; choose another name.`);
    }
    try {
      if (op === 'insert') this.repo.insert(profile);
      else this.repo.update(profile);
    } catch (err) {
      if (err instanceof Error && /UNIQUE constraint failed: profiles\.name/.test(err.message)) {
        throw fieldError(ErrorCode.Conflict, ['name'], `A boot profile named "${profile.name}" already exists; choose another name.`);
      }
      throw err;
    }
    this.onChange(profile);
  }
}
