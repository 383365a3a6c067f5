/** Uptime Kuma: a self-hosted monitor for websites and services, with notifications. */
import type { TemplateSource } from './catalog-types';

export const uptimeKuma: TemplateSource = {
  id: 'uptime-kuma',
  title: 'Uptime Kuma',
  description: 'Watches your websites and services and notifies you when one goes down. Create the admin account on first visit.',
  variables: [
    { name: 'HTTP_PORT', label: 'Web port', default: '3001', required: true, secret: false, help: 'Port on the node for Uptime Kuma\'s web UI.' },
  ],
  compose: `services:
  uptime-kuma:
    image: louislam/uptime-kuma:1
    restart: unless-stopped
    ports:
      - "\${HTTP_PORT}:3001"
    volumes:
      - data:/app/data

volumes:
  data:
`,
};
