/** Gitea: a self-hosted Git service, with PostgreSQL for its database. */
import type { TemplateSource } from './catalog-types';

export const gitea: TemplateSource = {
  id: 'gitea',
  title: 'Gitea',
  description: 'A self-hosted Git service (repositories, issues, pull requests) with a PostgreSQL database. Finish the set-up in its web UI on first visit.',
  variables: [
    { name: 'HTTP_PORT', label: 'Web port', default: '3000', required: true, secret: false, help: 'Port on the node for Gitea\'s web UI.' },
    { name: 'SSH_PORT', label: 'Git SSH port', default: '2222', required: true, secret: false, help: 'Port on the node for git over SSH (22 is usually the node\'s own sshd).' },
    { name: 'ROOT_URL', label: 'Public URL', default: 'http://localhost:3000/', required: true, secret: false, help: 'The URL users reach Gitea at, e.g. http://git.home.lan:3000/.' },
    { name: 'DB_PASSWORD', label: 'Database password', default: '', required: true, secret: true, help: 'Password of the gitea user in PostgreSQL.' },
  ],
  compose: `services:
  db:
    image: postgres:16-alpine
    restart: unless-stopped
    environment:
      POSTGRES_USER: gitea
      POSTGRES_PASSWORD: \${DB_PASSWORD}
      POSTGRES_DB: gitea
    volumes:
      - db-data:/var/lib/postgresql/data
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U gitea -d gitea"]
      interval: 10s
      timeout: 5s
      retries: 5

  gitea:
    image: gitea/gitea:1.22
    restart: unless-stopped
    depends_on:
      db:
        condition: service_healthy
    environment:
      USER_UID: "1000"
      USER_GID: "1000"
      GITEA__database__DB_TYPE: postgres
      GITEA__database__HOST: db:5432
      GITEA__database__NAME: gitea
      GITEA__database__USER: gitea
      GITEA__database__PASSWD: \${DB_PASSWORD}
      GITEA__server__ROOT_URL: \${ROOT_URL}
      GITEA__server__SSH_PORT: \${SSH_PORT}
    ports:
      - "\${HTTP_PORT}:3000"
      - "\${SSH_PORT}:22"
    volumes:
      - gitea-data:/data

volumes:
  db-data:
  gitea-data:
`,
};
