// A fixture for check_include_circles.cmake (see model.h).
#include "fixture/model.h"
