# Tandem server image. Build: docker build -t tandem .
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY schema.graphql ./
COPY server ./server
COPY sim ./sim
# The dashboard is built into the image, so a container never builds at start-up (its files are not writable by USER node).
COPY client ./client
RUN npx vite build --config client/vite.config.ts
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD node -e "fetch('http://127.0.0.1:4000/ready').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["npm", "start"]
