// Must NOT compile: the layering test builds it with the crawlers' include path and expects
// "alerts/engine.h: No such file or directory" — a stage sees only its own headers and those of
// the lower layers it links (cmake/layering.cmake).
#include "alerts/engine.h"
