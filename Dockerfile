# Quarry: one image for the server (`npm start`), workers (`npm run worker`) and the bot (`npm run bot`).
FROM node:20-bookworm-slim
# better-sqlite3 compiles its native addon when no prebuilt binary can be fetched. The bot draws
# chart PNGs with the machine's fonts: the slim image has none, and Chinese labels need Noto CJK.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ fonts-dejavu-core fonts-noto-cjk \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
# Installs every workspace and builds the admin console (root postinstall).
RUN npm install --no-audit --no-fund && npm cache clean --force
# Inside a container the published port is the boundary: listen on every interface.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
EXPOSE 3000 3001
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["npm", "start"]
