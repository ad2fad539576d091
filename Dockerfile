# citebot as a Telegram bot, its library on the /data volume: docker compose up -d (see compose.yaml).
FROM python:3.11-slim

# Log lines leave the container at once instead of waiting in a buffer; pip keeps no cache in the image.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# WordNet's dict files (Debian's wordnet-base): synonyms for questions worded unlike the articles.
RUN apt-get update \
    && apt-get install -y --no-install-recommends wordnet-base \
    && rm -rf /var/lib/apt/lists/*

# A fixed uid, so the volume's files keep the same owner across rebuilds.
RUN useradd --create-home --uid 10001 --user-group citebot \
    && mkdir /data \
    && chown citebot:citebot /data

# The package is installed, then its sources removed: the code that runs is the installed one.
WORKDIR /src
COPY pyproject.toml README.md ./
COPY index ./index
COPY bot ./bot
RUN pip install . && cd / && rm -rf /src

WORKDIR /app
COPY sample ./sample

# The token is not baked in: it comes from the environment at run time (compose.yaml reads .env).
ENV CITEBOT_LIBRARY=/data/library.sqlite3 \
    CITEBOT_ARTICLES=/app/sample
VOLUME ["/data"]
USER citebot

# No HEALTHCHECK: offline, a check could only see that the process is alive, which Docker already knows
# (it restarts a dead one); whether Telegram is reachable is not something to test from inside.
CMD ["python", "-m", "bot"]
