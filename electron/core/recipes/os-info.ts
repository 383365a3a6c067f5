/** The node's distribution, read from /etc/os-release before any step runs. */

export interface OsInfo {
  /** os-release ID, e.g. debian, ubuntu. */
  id: string;
  /** ID_LIKE words, e.g. ["debian"] on Ubuntu. */
  like: string[];
  versionId: string;
  prettyName: string;
}

export const OS_INFO_SCRIPT = `. /etc/os-release 2>/dev/null || . /usr/lib/os-release 2>/dev/null || exit 3
printf '%s\\n%s\\n%s\\n%s\\n' "\${ID:-}" "\${ID_LIKE:-}" "\${VERSION_ID:-}" "\${PRETTY_NAME:-}"`;

export function parseOsInfo(stdout: string): OsInfo {
  const [id = '', like = '', versionId = '', prettyName = ''] = stdout.split('\n');
  return { id: id.trim(), like: like.trim().split(/\s+/).filter(Boolean), versionId: versionId.trim(), prettyName: prettyName.trim() || id.trim() };
}

/** Debian and its derivatives (Ubuntu, Raspberry Pi OS…): apt, dpkg, systemd. */
export function isDebianFamily(os: OsInfo): boolean {
  return os.id === 'debian' || os.like.includes('debian');
}

export function debianOnly(os: OsInfo): string | null {
  return isDebianFamily(os) ? null : `This recipe supports Debian and Ubuntu; the node runs ${os.prettyName || 'an unknown OS'}.`;
}
