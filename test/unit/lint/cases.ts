/**
 * One small Dockerfile per rule: `fires` must report the rule at `line` (with a message
 * containing `message`), `clean` must not report it. `# check=skip=RULE` on `fires` must
 * silence it (experimental rules: they fire only when opted in, so `fires` opts in).
 */
export interface RuleCase {
  rule: string;
  fires: string;
  line: number;
  message: string;
  clean: string;
  buildArgs?: Record<string, string>;
  /** Context files (a .dockerignore…); the case then lints with that context. */
  context?: Record<string, string>;
  experimental?: boolean;
}

export const cases: RuleCase[] = [
  { rule: 'StageNameCasing', fires: 'FROM scratch AS Build\n', line: 1, message: "Stage name 'Build' should be lowercase", clean: 'FROM scratch AS build\n' },
  { rule: 'FromAsCasing', fires: 'FROM scratch as build\n', line: 1, message: "'as' and 'FROM' keywords' casing do not match", clean: 'FROM scratch AS build\n' },
  { rule: 'NoEmptyContinuation', fires: 'FROM scratch\nLABEL a=1 \\\n\n  b=2\n', line: 4, message: 'Empty continuation line', clean: 'FROM scratch\nLABEL a=1 \\\n  b=2\n' },
  {
    rule: 'ConsistentInstructionCasing', fires: 'FROM scratch\nlabel a=b\nLABEL c=d\n', line: 2,
    message: "Command 'label' should match the case of the command majority (uppercase)", clean: 'FROM scratch\nLABEL a=b\nLABEL c=d\n',
  },
  { rule: 'DuplicateStageName', fires: 'FROM scratch AS a\nFROM scratch AS a\n', line: 2, message: 'Duplicate stage name "a", stage names should be unique', clean: 'FROM scratch AS a\nFROM scratch AS b\n' },
  { rule: 'ReservedStageName', fires: 'FROM scratch AS context\n', line: 1, message: 'Stage name should not use the same name as reserved stage "context"', clean: 'FROM scratch AS ctx\n' },
  { rule: 'JSONArgsRecommended', fires: 'FROM scratch\nCMD echo hi\n', line: 2, message: 'JSON arguments recommended for CMD', clean: 'FROM scratch\nCMD ["echo", "hi"]\n' },
  { rule: 'MaintainerDeprecated', fires: 'FROM scratch\nMAINTAINER me\n', line: 2, message: 'Maintainer instruction is deprecated in favor of using label', clean: 'FROM scratch\nLABEL org.opencontainers.image.authors=me\n' },
  {
    rule: 'UndefinedArgInFrom', fires: 'ARG SUFIX=:1.36\nFROM busybox${SUFFIX}\n', line: 2,
    message: "FROM argument 'SUFFIX' is not declared (did you mean SUFIX?)", clean: 'ARG SUFFIX=:1.36\nFROM busybox${SUFFIX}\n',
  },
  { rule: 'WorkdirRelativePath', fires: 'FROM scratch\nWORKDIR app\n', line: 2, message: 'Relative workdir "app" can have unexpected results', clean: 'FROM scratch\nWORKDIR /app\nWORKDIR sub\n' },
  { rule: 'UndefinedVar', fires: 'FROM scratch\nARG FOO=1\nENV BAR=$FOOO\n', line: 3, message: "Usage of undefined variable '$FOOO' (did you mean $FOO?)", clean: 'FROM scratch\nARG FOO\nENV BAR=$FOO\n' },
  {
    rule: 'MultipleInstructionsDisallowed', fires: 'FROM scratch\nCMD ["a"]\nCMD ["b"]\n', line: 2,
    message: 'Multiple CMD instructions should not be used in the same stage', clean: 'FROM scratch\nCMD ["a"]\nFROM scratch\nCMD ["b"]\n',
  },
  { rule: 'LegacyKeyValueFormat', fires: 'FROM scratch\nENV A 1\n', line: 2, message: '"ENV key=value" should be used instead of legacy "ENV key value" format', clean: 'FROM scratch\nENV A=1\n' },
  {
    rule: 'RedundantTargetPlatform', fires: 'FROM --platform=$TARGETPLATFORM busybox:1.36\n', line: 1,
    message: 'Setting platform to predefined $TARGETPLATFORM in FROM is redundant', clean: 'FROM --platform=$BUILDPLATFORM busybox:1.36\n',
  },
  {
    rule: 'SecretsUsedInArgOrEnv', fires: 'FROM scratch\nENV DB_PASSWORD=x\n', line: 2,
    message: 'Do not use ARG or ENV instructions for sensitive data (ENV "DB_PASSWORD")', clean: 'FROM scratch\nENV DB_HOST=x\n',
  },
  {
    rule: 'InvalidDefaultArgInFrom', fires: 'ARG TAG\nFROM busybox:${TAG}\n', line: 2, buildArgs: { TAG: '1.36' },
    message: 'Default value for ARG busybox:${TAG} results in empty or invalid base image name', clean: 'ARG TAG=1.36\nFROM busybox:${TAG}\n',
  },
  {
    rule: 'FromPlatformFlagConstDisallowed', fires: 'FROM --platform=linux/amd64 busybox:1.36 AS build\n', line: 1,
    message: 'FROM --platform flag should not use constant value "linux/amd64"', clean: 'FROM --platform=linux/amd64 busybox:1.36 AS build-amd64\n',
  },
  {
    rule: 'CopyIgnoredFile', fires: 'FROM scratch\nCOPY secret.txt /\n', line: 2, context: { '.dockerignore': 'secret.txt\n', 'secret.txt': 's', 'other.txt': 'o' },
    message: 'Attempting to Copy file "secret.txt" that is excluded by .dockerignore', clean: 'FROM scratch\nCOPY other.txt /\n',
  },
  {
    rule: 'InvalidDefinitionDescription', experimental: true, fires: '# check=experimental=InvalidDefinitionDescription\nFROM scratch\n# some comment\nARG foo\n', line: 4,
    message: 'Comment for ARG should follow the format: `# foo <description>`', clean: '# check=experimental=InvalidDefinitionDescription\nFROM scratch\n# foo the foo\nARG foo\n',
  },
  { rule: 'ExposeProtoCasing', fires: 'FROM scratch\nEXPOSE 80/TCP\n', line: 2, message: "Defined protocol '80/TCP' in EXPOSE instruction should be lowercase", clean: 'FROM scratch\nEXPOSE 80/tcp\n' },
  {
    rule: 'ExposeInvalidFormat', fires: 'FROM scratch\nEXPOSE 127.0.0.1:8080:80\n', line: 2,
    message: "EXPOSE instruction should not define an IP address or host-port mapping, found '127.0.0.1:8080:80'", clean: 'FROM scratch\nEXPOSE 80\n',
  },
  // drydock's own rules
  {
    rule: 'CopyAllBeforeInstall', fires: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n', line: 3,
    message: 'The whole build context is copied before the dependency install "npm ci" (line 4)',
    clean: 'FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n',
  },
  {
    rule: 'ToolchainFinalStage', fires: 'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM golang:1.22\nCOPY --from=build /app /app\n', line: 3,
    message: 'Final stage is based on the toolchain image "golang:1.22"',
    clean: 'FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM debian:12-slim\nCOPY --from=build /app /app\n',
  },
  {
    rule: 'UnusedStage', fires: 'FROM scratch AS unused\nFROM scratch\n', line: 1,
    message: 'Stage "unused" is not used by the target stage #1', clean: 'FROM scratch AS a\nFROM scratch AS b\nCOPY --from=a / /\nFROM b\n',
  },
  { rule: 'UnpinnedBaseImage', fires: 'FROM alpine\n', line: 1, message: 'Base image "alpine" has no tag', clean: 'FROM alpine:3.20\nFROM alpine@sha256:' + 'a'.repeat(64) + '\n' },
  {
    rule: 'PackageCacheInLayer', fires: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n', line: 2,
    message: 'apt-get update leaves its cache in the layer',
    clean: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n',
  },
];
