/** A static site: nginx serving the files of a named volume, read-only. */
import type { TemplateSource } from './catalog-types';

export const staticSite: TemplateSource = {
  id: 'static-site',
  title: 'Static site',
  description:
    'nginx serving the files in the volume <stack>_site (read-only). Copy your site into it, e.g. docker run --rm -v <stack>_site:/site -v $PWD:/src alpine cp -r /src/. /site.',
  variables: [
    { name: 'HTTP_PORT', label: 'HTTP port', default: '8080', required: true, secret: false, help: 'Port on the node the site is served on.' },
    { name: 'NGINX_VERSION', label: 'nginx version', default: '1.27-alpine', required: true, secret: false, help: 'Tag of the nginx image.' },
  ],
  compose: `services:
  web:
    image: nginx:\${NGINX_VERSION}
    restart: unless-stopped
    ports:
      - "\${HTTP_PORT}:80"
    volumes:
      - site:/usr/share/nginx/html:ro

volumes:
  site:
`,
};
