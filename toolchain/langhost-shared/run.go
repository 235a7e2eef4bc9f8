package langhost

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/pulumi/pulumi/sdk/v3/go/common/constant"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// ProgramDir is the program's directory: the engine's, else fallback (an older engine's pwd or
// directory field), else the host's working directory.
func ProgramDir(info *pulumirpc.ProgramInfo, fallback string) string {
	if d := info.GetProgramDirectory(); d != "" {
		return d
	}
	if fallback != "" {
		return fallback
	}
	wd, _ := os.Getwd()
	return wd
}

// ConfigJSON is the stack config and the names of its secret keys as the SDKs read them from
// PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS: JSON, `{}` and `[]` when there are none.
func ConfigJSON(req *pulumirpc.RunRequest) (config, secretKeys string, err error) {
	cfg := req.GetConfig()
	if cfg == nil {
		cfg = map[string]string{}
	}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return "", "", fmt.Errorf("failed to serialize configuration: %w", err)
	}
	keys := req.GetConfigSecretKeys()
	if keys == nil {
		keys = []string{}
	}
	keysJSON, err := json.Marshal(keys)
	if err != nil {
		return "", "", fmt.Errorf("failed to serialize configuration secret keys: %w", err)
	}
	return string(cfgJSON), string(keysJSON), nil
}

// ConfigEnv is ConfigJSON as the two environment entries.
func ConfigEnv(req *pulumirpc.RunRequest) ([]string, error) {
	config, keys, err := ConfigJSON(req)
	if err != nil {
		return nil, err
	}
	return []string{"PULUMI_CONFIG=" + config, "PULUMI_CONFIG_SECRET_KEYS=" + keys}, nil
}

// RunResult turns how a program ended into the engine's answer, as the official hosts do: exit 0
// succeeds; constant.ExitStatusLoggedError (32: the SDK already logged the error to the engine)
// bails without another message; any other end is an error naming the exit code or the signal.
func RunResult(err error) *pulumirpc.RunResponse {
	if err == nil {
		return &pulumirpc.RunResponse{}
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("problem executing program (could not run language executor): %v", err)}
	}
	switch code := exitErr.ExitCode(); code {
	case constant.ExitStatusLoggedError:
		return &pulumirpc.RunResponse{Bail: true}
	case -1, 0:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("program exited unexpectedly: %v", exitErr)}
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("program exited with non-zero exit code: %d", code)}
	}
}
