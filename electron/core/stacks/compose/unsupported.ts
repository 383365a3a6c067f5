/**
 * What the compose spec has that Rackpilot does not (yet), and what to do instead. A key found
 * here gets its hint; a key the spec knows without a hint gets "not supported (yet)"; any other
 * key is a typo and gets "did you mean …?". None is ignored silently (DESIGN §6).
 */

/** Top-level keys of the compose spec (compose-spec.json). */
export const TOP_LEVEL_SPEC_KEYS: ReadonlySet<string> = new Set(['version', 'name', 'include', 'services', 'models', 'networks', 'volumes', 'secrets', 'configs']);

export const TOP_LEVEL_HINTS: Readonly<Record<string, string>> = {
  include: 'copy the included services into this file',
  secrets: 'pass secrets through environment (from the stack\'s variables) or a bind-mounted file in volumes:',
  configs: 'bind-mount the file through volumes: instead',
};

/** Service keys of the compose spec (compose-spec.json, definitions.service). */
export const SERVICE_SPEC_KEYS: ReadonlySet<string> = new Set(
  `develop deploy annotations attach build blkio_config cap_add cap_drop cgroup cgroup_parent command configs container_name
  cpu_count cpu_percent cpu_shares cpu_quota cpu_period cpu_rt_period cpu_rt_runtime cpus cpuset credential_spec depends_on
  device_cgroup_rules devices dns dns_opt dns_search domainname entrypoint env_file label_file environment expose extends provider
  external_links extra_hosts gpus group_add healthcheck hostname image init ipc isolation labels links logging mac_address mem_limit
  mem_reservation mem_swappiness memswap_limit network_mode models networks oom_kill_disable oom_score_adj pid pids_limit platform
  ports post_start pre_stop privileged profiles pull_policy pull_refresh_after read_only restart runtime scale security_opt shm_size
  secrets sysctls stdin_open stop_grace_period stop_signal storage_opt tmpfs tty ulimits use_api_socket user uts userns_mode
  volumes volumes_from working_dir`.split(/\s+/),
);

export const SERVICE_HINTS: Readonly<Record<string, string>> = {
  build: 'build the image elsewhere, push it to a registry and use image:',
  container_name: 'Rackpilot names containers <stack>-<service>-1 as docker compose does; remove container_name and reach the service by its service name',
  network_mode: 'attach the service to networks: instead',
  links: 'services on a shared network reach each other by service name; remove links',
  external_links: 'attach the service to the other stack\'s network (declared external) instead',
  extends: 'copy the settings into the service, or share them through an x-* block and a YAML anchor (<<: *anchor)',
  secrets: 'pass secrets through environment (from the stack\'s variables) or a bind-mounted file in volumes:',
  configs: 'bind-mount the file through volumes: instead',
  tmpfs: 'use a volumes: entry with type: tmpfs',
  scale: 'Rackpilot runs one container per service; remove scale',
  expose: 'containers on a shared network reach each other\'s ports without it; remove expose',
  volumes_from: 'mount the same named volume in both services instead',
};

export const DEPLOY_HINTS: Readonly<Record<string, string>> = {
  replicas: 'Rackpilot runs one container per service; remove replicas',
  restart_policy: 'use restart: on the service',
  mode: 'Rackpilot runs one container per service; remove mode',
  placement: 'choose the node when you deploy the stack; remove placement',
  update_config: 'remove update_config (a swarm setting)',
  rollback_config: 'remove rollback_config (a swarm setting)',
  labels: 'use labels: on the service',
  endpoint_mode: 'remove endpoint_mode (a swarm setting)',
};

export const RESOURCES_HINTS: Readonly<Record<string, string>> = {
  reservations: 'only limits are applied; remove reservations',
};

export const HEALTHCHECK_HINTS: Readonly<Record<string, string>> = {
  start_interval: 'it needs a newer Docker Engine API than Rackpilot targets (1.41); remove start_interval',
};

export const SERVICE_NETWORK_SPEC_KEYS: ReadonlySet<string> = new Set(['aliases', 'interface_name', 'ipv4_address', 'ipv6_address', 'link_local_ips', 'mac_address', 'driver_opts', 'priority', 'gw_priority']);

export const PORT_SPEC_KEYS: ReadonlySet<string> = new Set(['name', 'mode', 'host_ip', 'target', 'published', 'protocol', 'app_protocol']);

export const NETWORK_SPEC_KEYS: ReadonlySet<string> = new Set(['name', 'driver', 'driver_opts', 'ipam', 'external', 'internal', 'enable_ipv4', 'enable_ipv6', 'attachable', 'labels']);

export const IPAM_HINTS: Readonly<Record<string, string>> = {
  driver: 'only the default IPAM driver is used; remove ipam.driver',
  options: 'only the default IPAM driver is used; remove ipam.options',
};

export const IPAM_CONFIG_HINTS: Readonly<Record<string, string>> = {
  ip_range: 'only subnet is applied; remove ip_range',
  gateway: 'only subnet is applied (the engine picks the gateway); remove gateway',
  aux_addresses: 'only subnet is applied; remove aux_addresses',
};

export const BIND_HINTS: Readonly<Record<string, string>> = {
  propagation: 'bind propagation is not applied; remove it',
  selinux: 'relabel the host path on the node and remove selinux',
  recursive: 'remove recursive (needs a newer Docker Engine API)',
};
