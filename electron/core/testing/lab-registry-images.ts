/**
 * The lab registry's two images, as root filesystem trees for `docker import` (lab-registry.ts
 * hashes, imports and pushes them). Both come from this machine's own binaries, since nothing can
 * be pulled here: nginx with the libraries `ldd` names, laid out like the official image
 * (/etc/nginx/nginx.conf including conf.d/*.conf, the default page on :80, logs to stdout and
 * stderr, an nginx user, busybox for `sh` and friends inside it), and busybox alone.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const NGINX = '/usr/sbin/nginx';
export const BUSYBOX = '/bin/busybox';
export const NGINX_ETC = '/etc/nginx';

export interface ImageRecipe {
  /** The repository under library/ it is served as. */
  name: 'nginx' | 'busybox';
  /** `docker import --change` instructions. */
  changes(): string[];
  /** Writes the image's files into the empty directory `root`. */
  build(root: string): void;
}

const PATH_ENV = 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

// No STOPSIGNAL SIGQUIT as in the official image: Docker 20.10's import does not take it (nginx
// stops on SIGTERM too, only without finishing open requests).
export const LAB_IMAGE_RECIPES: ImageRecipe[] = [
  {
    name: 'nginx',
    changes: () => [PATH_ENV, `ENV NGINX_VERSION=${nginxVersion()}`, 'EXPOSE 80', 'CMD ["nginx", "-g", "daemon off;"]'],
    build(root) {
      copyWithLibraries(root, NGINX);
      addBusybox(root);
      writeFiles(root, {
        'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nnginx:x:101:101:nginx user:/nonexistent:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
        'etc/group': 'root:x:0:\nnginx:x:101:\nnogroup:x:65534:\n',
        'etc/nginx/nginx.conf': NGINX_CONF,
        'etc/nginx/conf.d/default.conf': DEFAULT_CONF,
        'usr/share/nginx/html/index.html': WELCOME_PAGE,
        'usr/share/nginx/html/50x.html': '<!DOCTYPE html>\n<html><head><title>Error</title></head>\n<body><h1>An error occurred.</h1></body></html>\n',
      });
      for (const f of ['mime.types', 'fastcgi_params', 'scgi_params', 'uwsgi_params']) {
        if (existsSync(join(NGINX_ETC, f))) copyFileSync(join(NGINX_ETC, f), join(root, 'etc/nginx', f));
      }
      // As in the official image: the logs are the container's output (`docker logs`).
      mkdirSync(join(root, 'var/log/nginx'), { recursive: true });
      symlinkSync('/dev/stdout', join(root, 'var/log/nginx/access.log'));
      symlinkSync('/dev/stderr', join(root, 'var/log/nginx/error.log'));
      // This build's compiled-in temp paths (/var/lib/nginx/body…) and pid file (/run/nginx.pid).
      for (const d of ['var/lib/nginx', 'var/cache/nginx', 'run']) mkdirSync(join(root, d), { recursive: true });
      symlinkSync('/run', join(root, 'var/run'));
    },
  },
  {
    name: 'busybox',
    changes: () => ['ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["sh"]'],
    build(root) {
      addBusybox(root);
      writeFiles(root, {
        'etc/passwd': 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n',
        'etc/group': 'root:x:0:\ndaemon:x:1:\nnogroup:x:65534:\n',
      });
      for (const d of ['home', 'root', 'var/www', 'usr/sbin']) mkdirSync(join(root, d), { recursive: true });
    },
  },
];

/** busybox with an applet link for every command it has, a /tmp and a name-service config. */
function addBusybox(root: string): void {
  copyWithLibraries(root, BUSYBOX);
  const applets = spawnSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter((a) => a && a !== 'busybox');
  for (const applet of applets) {
    if (!existsSync(join(root, 'bin', applet))) symlinkSync('busybox', join(root, 'bin', applet));
  }
  mkdirSync(join(root, 'tmp'), { recursive: true });
  chmodSync(join(root, 'tmp'), 0o1777);
  writeFiles(root, { 'etc/nsswitch.conf': 'passwd: files\ngroup: files\nhosts: files dns\n' });
}

/** A binary and the shared libraries `ldd` names for it, at the same paths. */
function copyWithLibraries(root: string, binary: string): void {
  const ldd = spawnSync('ldd', [binary], { encoding: 'utf8' });
  if (ldd.status !== 0) throw new Error(`ldd ${binary} failed: ${ldd.stderr.trim()}`);
  const libs = ldd.stdout
    .split('\n')
    .map((l) => /(\/\S+)\s+\(0x/.exec(l)?.[1])
    .filter((p): p is string => !!p);
  for (const file of [binary, ...libs]) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    // Libraries are often symlinks (libz.so.1 → libz.so.1.2.13): copyFileSync follows them.
    copyFileSync(file, join(root, file));
  }
}

function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

function nginxVersion(): string {
  const r = spawnSync(NGINX, ['-v'], { encoding: 'utf8' });
  return /nginx\/(\S+)/.exec(r.stderr ?? '')?.[1] ?? 'unknown';
}

const NGINX_CONF = `user  nginx;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /var/run/nginx.pid;

events {
    worker_connections  1024;
}

http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    keepalive_timeout  65;

    include /etc/nginx/conf.d/*.conf;
}
`;

const DEFAULT_CONF = `server {
    listen       80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
`;

const WELCOME_PAGE = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>
</body>
</html>
`;
