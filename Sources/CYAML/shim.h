#ifndef AUTHD_CYAML_SHIM_H
#define AUTHD_CYAML_SHIM_H
#include <yaml.h>
#endif
