package site

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// npmInstall is the command that puts the test's npm tools where
// NodeModules looks, run from the module root (CI runs it too).
const npmInstall = "npm install --prefix site/testdata/npm --no-save axe-core@4.14.1 html-validate@9.7.1"

// NodeModules returns the folder of the npm tools the tests use (axe-core,
// html-validate): $CASTFEED_NODE_MODULES, else testdata/npm/node_modules.
// A missing tool fails the test with the command that installs it; it
// never skips, so CI cannot pass without the checks.
func NodeModules(t testing.TB, need ...string) string {
	t.Helper()
	dir := os.Getenv("CASTFEED_NODE_MODULES")
	if dir == "" {
		abs, err := filepath.Abs(filepath.Join("testdata", "npm", "node_modules"))
		if err != nil {
			t.Fatal(err)
		}
		dir = abs
	}
	for _, n := range need {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Fatalf("%s is missing (%v); install the test tools with:\n\t%s", n, err, npmInstall)
		}
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("node is missing; install it with: apt-get install -y nodejs npm, then:\n\t%s", npmInstall)
	}
	return dir
}

// Validate runs html-validate over the files and fails t with its report
// when it finds any error.
func Validate(t testing.TB, files ...string) {
	t.Helper()
	if out, err := htmlValidate(t, files...); err != nil {
		t.Errorf("html-validate found errors (%v):\n%s", err, out)
	}
}

// htmlValidate runs html-validate and returns its report.
func htmlValidate(t testing.TB, files ...string) ([]byte, error) {
	t.Helper()
	bin := filepath.Join(NodeModules(t, filepath.Join(".bin", "html-validate")), ".bin", "html-validate")
	config, err := filepath.Abs(filepath.Join("testdata", "htmlvalidate.json"))
	if err != nil {
		t.Fatal(err)
	}
	return exec.Command(bin, append([]string{"--config", config, "--formatter", "text"}, files...)...).CombinedOutput()
}
