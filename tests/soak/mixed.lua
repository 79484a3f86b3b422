-- tests/soak/mixed.lua - the soak workload for wrk (scripts/soak runs it).
--
-- A mix of reads and writes over the whole API, signed in as the seed
-- users. Every write carries a text unique to this run, so the answers
-- themselves say what was acknowledged: each 200 answer to a write is kept
-- (kind, uuid, group, text) and written, with every status seen, to the
-- file SOAK_OUT when wrk is done.
--
-- Environment: SOAK_TOKEN_ANDREWBROWN, SOAK_TOKEN_BAYKO, SOAK_TOKEN_LONDO,
-- SOAK_GROUP_AB (andrewbrown<->bayko), SOAK_GROUP_BL (bayko<->londo),
-- SOAK_TAG (unique to the run), SOAK_OUT.

local tokens = {
   andrewbrown = os.getenv("SOAK_TOKEN_ANDREWBROWN"),
   bayko = os.getenv("SOAK_TOKEN_BAYKO"),
   londo = os.getenv("SOAK_TOKEN_LONDO"),
}
local group_ab = os.getenv("SOAK_GROUP_AB")
local group_bl = os.getenv("SOAK_GROUP_BL")
local tag = os.getenv("SOAK_TAG")

local threads = {}

-- In the main Lua state: number each thread (its global `id`).
function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

-- Per thread (each thread runs its own copy of this script).
id = 0
local n = 0
acks = {}
statuses = {}

local function auth(who, extra)
   local h = { ["Authorization"] = "Bearer " .. tokens[who] }
   if extra then h["Content-Type"] = "application/json" end
   return h
end

-- One request of the mix, chosen by the request number: 60% reads, 40% writes.
local mix = {
   function() return wrk.format("GET", "/api/activities/home") end,
   function() return wrk.format("GET", "/api/message_groups", auth("andrewbrown")) end,
   function() return wrk.format("GET", "/api/messages/" .. group_ab, auth("bayko")) end,
   function()
      return wrk.format("POST", "/api/messages", auth("andrewbrown", true),
         string.format('{"message":"%s %d.%d ab","message_group_uuid":"%s"}', tag, id, n, group_ab))
   end,
   function() return wrk.format("GET", "/api/users/@londo/short") end,
   function()
      return wrk.format("POST", "/api/activities", auth("londo", true),
         string.format('{"message":"%s %d.%d act","ttl":"1-hour"}', tag, id, n))
   end,
   function() return wrk.format("GET", "/api/activities/@andrewbrown") end,
   function()
      return wrk.format("POST", "/api/messages", auth("bayko", true),
         string.format('{"message":"%s %d.%d ba","message_group_uuid":"%s"}', tag, id, n, group_ab))
   end,
   function() return wrk.format("GET", "/api/messages/" .. group_bl, auth("londo")) end,
   function()
      return wrk.format("POST", "/api/messages", auth((n % 2 == 0) and "bayko" or "londo", true),
         string.format('{"message":"%s %d.%d bl","message_group_uuid":"%s"}', tag, id, n, group_bl))
   end,
}

function request()
   n = n + 1
   return mix[(n % #mix) + 1]()
end

-- A write's answer names what was stored: keep it. wrk does not say which
-- request an answer is for; the writes are the only answers that are one
-- object holding this run's tag (reads answer arrays, or hold no tag).
function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   if status == 200 and body:sub(1, 1) == "{" and body:find(tag, 1, true) then
      -- PostgreSQL's JSON has blanks around ':', jansson's has none.
      local uuid = body:match('"uuid"%s*:%s*"([0-9a-f%-]+)"')
      local text = body:match('"message"%s*:%s*"([^"]*)"')
      local group = body:match('"message_group_uuid"%s*:%s*"([0-9a-f%-]+)"')
      if uuid and text then
         table.insert(acks, (group and ("M " .. group) or "A -") .. " " .. uuid .. " " .. text)
      end
   end
end

function done(summary, latency, requests)
   local out = assert(io.open(os.getenv("SOAK_OUT"), "w"))
   for _, t in ipairs(threads) do
      for status, count in pairs(t:get("statuses")) do
         out:write(string.format("status %d %d\n", status, count))
      end
      for _, a in ipairs(t:get("acks")) do
         out:write("ack " .. a .. "\n")
      end
   end
   local e = summary.errors
   out:write(string.format("requests %d\nerrors %d %d %d %d %d\n", summary.requests,
      e.connect, e.read, e.write, e.status, e.timeout))
   out:write(string.format("latency %d %d %d %d\n", latency.mean, latency:percentile(50),
      latency:percentile(99), latency.max))
   out:close()
end
