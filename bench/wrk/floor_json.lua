-- Floor: GET / of the bare Starlette JSON route.
package.path = debug.getinfo(1, "S").source:match("^@(.*/)") .. "?.lua;" .. package.path
local common = require("common")
common.hooks()
