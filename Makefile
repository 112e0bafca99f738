# The StartOS package: `npm ci` then `make` builds venture-crm_x86.s9pk with the SDK's own rules
# (they need the npm registry, docker and start-cli). `make check-offline` is what CI can run:
# Debian's tsc against a local stub of the SDK, and node --test of the SDK-free logic.
ARCHES := x86
SDK_MK := node_modules/@start9labs/start-sdk/s9pk.mk

ifneq ($(wildcard $(SDK_MK)),)
include $(SDK_MK)
else
.DEFAULT_GOAL := no-sdk
.PHONY: no-sdk
no-sdk:
	@echo "The StartOS SDK is not installed: run npm ci (needs the npm registry), then make." >&2
	@exit 1
endif

.PHONY: check-offline
check-offline:
	tsc -p startos/tsconfig.check.json
	tsc -p startos/tsconfig.test.json
	node --test startos/build/test/
