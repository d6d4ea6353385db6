import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lint } from '../../../src/lint/index.js';
import { dependencyInstall, isToolchainImage } from '../../../src/lint/checks/index.js';
import { simpleCommands } from '../../../src/lint/shell.js';

const findings = async (text: string, rule: string): Promise<string[]> =>
  (await lint({ dockerfileText: text, root: false })).findings.filter((f) => f.rule === rule).map((f) => `${f.line}: ${f.message}`);

describe('lint shell reading', () => {
  it('splits a script into simple commands, quotes removed, prefixes dropped', () => {
    assert.deepEqual(simpleCommands(`set -eux; DEBIAN_FRONTEND=noninteractive sudo -E apt-get install -y 'a b' "c\\"d" \\\n  e && echo x | tee y 2>&1 # done`), [
      ['set', '-eux'], ['apt-get', 'install', '-y', 'a b', 'c"d', 'e'], ['echo', 'x'], ['tee', 'y', '2>&1'],
    ]);
    assert.deepEqual(simpleCommands('if true; then pip install x; fi'), [['true'], ['pip', 'install', 'x'], ['fi']]);
  });
  it('knows dependency installs from manifests, not installs of named packages', () => {
    const yes = ['npm ci', 'npm install', 'npm i --omit=dev', 'yarn', 'yarn install --frozen-lockfile', 'pnpm install', 'pip install -r requirements.txt',
      'python3 -m pip install --requirement req.txt', 'go mod download', 'bundle install', 'poetry install --no-root', 'cargo fetch', 'uv sync'];
    const no = ['npm install -g typescript', 'npm run build', 'pip install flask', 'go build ./...', 'yarn add left-pad', 'apt-get install -y git'];
    for (const s of yes) assert.ok(dependencyInstall(simpleCommands(s)[0]!), s);
    for (const s of no) assert.ok(!dependencyInstall(simpleCommands(s)[0]!), s);
  });
  it('knows toolchain images', () => {
    for (const r of ['golang', 'golang:1.22-alpine', 'docker.io/library/rust:1', 'maven:3-eclipse-temurin-21', 'mcr.microsoft.com/dotnet/sdk:8.0', 'eclipse-temurin:21-jdk']) {
      assert.ok(isToolchainImage(r), r);
    }
    for (const r of ['alpine:3', 'debian:12-slim', 'eclipse-temurin:21-jre', 'gcr.io/distroless/static', 'node:20', 'mcr.microsoft.com/dotnet/aspnet:8.0']) {
      assert.ok(!isToolchainImage(r), r);
    }
  });
});

describe('PackageCacheInLayer', () => {
  it('apt-get update without removing the lists; cache mounts and cleanup are fine', async () => {
    assert.equal((await findings('FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n', 'PackageCacheInLayer')).length, 1);
    assert.deepEqual(await findings('FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y curl\n', 'PackageCacheInLayer'), []);
    assert.deepEqual(await findings('FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nrm -rf /var/lib/apt/lists/*\nEOF\n', 'PackageCacheInLayer'), []);
  });
  it('apk add without --no-cache', async () => {
    assert.deepEqual(await findings('FROM alpine:3\nRUN apk add curl\n', 'PackageCacheInLayer'), ['2: apk add leaves its cache in the layer: use "apk add --no-cache"']);
    assert.deepEqual(await findings('FROM alpine:3\nRUN apk add --no-cache curl\nRUN ["apk", "add", "--no-cache", "git"]\n', 'PackageCacheInLayer'), []);
    assert.equal((await findings('FROM alpine:3\nRUN ["apk", "add", "git"]\n', 'PackageCacheInLayer')).length, 1, 'exec form too');
  });
  it('pip install without --no-cache-dir, unless PIP_NO_CACHE_DIR or a cache mount', async () => {
    assert.equal((await findings('FROM python:3.12\nRUN pip install flask\n', 'PackageCacheInLayer')).length, 1);
    assert.deepEqual(await findings('FROM python:3.12\nRUN pip install --no-cache-dir flask\n', 'PackageCacheInLayer'), []);
    assert.deepEqual(await findings('FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n', 'PackageCacheInLayer'), []);
    assert.deepEqual(await findings('FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n', 'PackageCacheInLayer'), []);
  });
  it('dnf/yum install without clean all', async () => {
    assert.equal((await findings('FROM fedora:40\nRUN dnf install -y git\n', 'PackageCacheInLayer')).length, 1);
    assert.deepEqual(await findings('FROM fedora:40\nRUN dnf install -y git && dnf clean all\n', 'PackageCacheInLayer'), []);
  });
});

describe('multi-stage rules', () => {
  it('a final stage FROM a stage that is FROM a toolchain image is still a toolchain stage', async () => {
    assert.deepEqual(await findings('FROM rust:1 AS base\nFROM base AS build\nRUN cargo build\nFROM base\n', 'ToolchainFinalStage'), [
      '4: Final stage is based on the toolchain image "rust:1": copy the build output into a smaller runtime image instead',
    ]);
    assert.deepEqual(await findings('FROM golang:1.22\nRUN go build\n', 'ToolchainFinalStage'), [], 'single-stage builds are not flagged');
  });
  it('stages used through RUN --mount from= are used', async () => {
    assert.deepEqual(await findings('FROM scratch AS files\nFROM alpine:3\nRUN --mount=from=files,target=/f ls /f\n', 'UnusedStage'), []);
    assert.deepEqual(await findings('FROM alpine:3\nFROM alpine:3\n', 'UnusedStage'), ['1: Stage #0 is not used by the target stage #1 and is never built by default']);
  });
  it('base images: untagged, :latest, with ARG defaults', async () => {
    assert.deepEqual(await findings('ARG IMG=node:latest\nFROM $IMG\nFROM localhost:5000/app\n', 'UnpinnedBaseImage'), [
      '2: Base image "node:latest" uses the latest tag: builds change whenever it is updated; pin a version tag or a digest',
      '3: Base image "localhost:5000/app" has no tag (so it means :latest): builds change whenever it is updated; pin a version tag or a digest',
    ]);
  });
  it('COPY . after the install is fine; an ADD of the whole context before it is not', async () => {
    assert.deepEqual(await findings('FROM python:3.12\nADD . /src\nRUN pip install --no-cache-dir -r /src/requirements.txt\n', 'CopyAllBeforeInstall'), [
      '2: The whole build context is copied before the dependency install "pip install --no-cache-dir -r /src/requirements.txt" (line 3): any source change re-runs it; copy the dependency manifests first',
    ]);
  });
});
