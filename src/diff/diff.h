// velo's schema differ, the engine of `velo branch diff` and `velo branch
// merge`: catalogs read into an object model (model.h, reader.h), the
// changes between two schemas (change.h) or three (three_way.h), the DDL
// that carries them out in dependency order (plan.h), and summaries
// (summary.h). Layering: uses pg/ and util/ only.
#pragma once

#include "diff/change.h"
#include "diff/hazard.h"
#include "diff/model.h"
#include "diff/plan.h"
#include "diff/reader.h"
#include "diff/summary.h"
#include "diff/three_way.h"
