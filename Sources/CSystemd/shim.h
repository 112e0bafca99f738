#ifndef CRM_CSYSTEMD_SHIM_H
#define CRM_CSYSTEMD_SHIM_H
#include <systemd/sd-daemon.h>
#endif
