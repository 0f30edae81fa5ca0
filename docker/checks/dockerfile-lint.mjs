// A generic Dockerfile lint (dockerfile-utils, the validator behind the VS Code Docker extension), with every
// optional rule raised to an error: bad flags, durations, JSON forms, casing, repeated CMD/ENTRYPOINT/HEALTHCHECK.
import dockerfileUtils from 'dockerfile-utils';

const { validate, ValidationSeverity } = dockerfileUtils;

const STRICT = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

export const DockerfileUtils = {
  /** Every diagnostic as {line (1-based), message}. */
  validate(text) {
    return validate(text, STRICT).map((d) => ({ line: d.range.start.line + 1, message: d.message }));
  },
};
