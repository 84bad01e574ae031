"""Every change of a job's state on the broker, each one Lua script that Redis runs atomically:
two API processes, a worker and the lease sweep can act on one job at the same moment, and each
sees the others' change whole or not at all.

Events appended here carry their `seq` from the job's `last_seq` counter; the job's worker numbers
its own events (it is the only writer while it holds the job) and `append` checks it still does.
A queued job's `queued` events are written by whoever moves the queue (a claim, a cancel); its
stream keeps the first and the latest, as the embedded log does.

The scripts build the other jobs' keys from the prefix they are given, so they need one Redis,
not a cluster (a school's Redis is one server)."""

from __future__ import annotations

from redis import Redis

_LIB = """
local function add_event(jk, kind, text_before_seq, stream_seq)
  local seq = stream_seq or redis.call('HINCRBY', jk, 'last_seq', 1)
  local text = text_before_seq .. ',"seq":' .. seq .. '}'
  redis.call('XADD', jk .. ':events', '0-' .. seq, 't', kind, 'e', text)
  redis.call('HSET', jk .. ':latest', kind, text)
  return seq
end

local function end_job(jk, state, kind, message, finished)
  add_event(jk, kind, '{"type":"' .. kind .. '","message":' .. cjson.encode(message))
  redis.call('HSET', jk, 'state', state, 'error', message, 'finished', finished)
end

-- Tell every job queued from index `from` (0-based) its new position.
local function shift(prefix, queue, from)
  local ids = redis.call('LRANGE', queue, from, -1)
  for i, other in ipairs(ids) do
    local jk = prefix .. ':job:' .. other
    local previous = redis.call('HGET', jk, 'queued_seq')
    local seq = add_event(jk, 'queued', '{"type":"queued","position":' .. (from + i))
    if previous and previous ~= '1' then
      redis.call('XDEL', jk .. ':events', '0-' .. previous)
    end
    redis.call('HSET', jk, 'queued_seq', seq)
  end
end

local function leave_queue(prefix, queue, id)
  local index = redis.call('LPOS', queue, id)
  if index then
    redis.call('LREM', queue, 1, id)
    shift(prefix, queue, index)
  end
end

local function active(state)
  return state == 'running' or state == 'paused'
end
"""

# KEYS: queue, jobs, job. ARGV: id, max_queued, created, config, data_dir, models_dir.
# Returns the job's position, or -1 when the queue is full.
ENQUEUE = (
    _LIB
    + """
if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
redis.call('HSET', KEYS[3], 'state', 'queued', 'config', ARGV[4], 'created', ARGV[3],
  'data_dir', ARGV[5], 'models_dir', ARGV[6], 'last_seq', 0, 'lr_changes', 0, 'stopped', 0)
local position = redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
local seq = add_event(KEYS[3], 'queued', '{"type":"queued","position":' .. position)
redis.call('HSET', KEYS[3], 'queued_seq', seq)
return position
"""
)

# KEYS: queue, running, job, lease. ARGV: id, lease ms, worker, started, prefix.
# Returns the job's last seq (the worker numbers its events after it), or nil when the job is
# no longer queued (cancelled, or failed while its message waited).
CLAIM = (
    _LIB
    + """
if redis.call('HGET', KEYS[3], 'state') ~= 'queued' then return false end
leave_queue(ARGV[5], KEYS[1], ARGV[1])
redis.call('HSET', KEYS[3], 'state', 'running', 'started', ARGV[4], 'worker', ARGV[3])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SET', KEYS[4], ARGV[3], 'PX', ARGV[2])
return redis.call('HGET', KEYS[3], 'last_seq')
"""
)

# KEYS: queue, job. ARGV: id, finished, prefix, message. Returns 1, or the state it is in.
CANCEL = (
    _LIB
    + """
local state = redis.call('HGET', KEYS[2], 'state')
if state ~= 'queued' then return state or 'missing' end
leave_queue(ARGV[3], KEYS[1], ARGV[1])
end_job(KEYS[2], 'cancelled', 'cancelled', ARGV[4], ARGV[2])
return 1
"""
)

# KEYS: job, events, latest. ARGV: seq, type, text, then the seqs the log dropped.
# Returns 0 when the job is no longer the worker's (the sweep failed it): the worker stops.
APPEND = """
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'running' and state ~= 'paused' then return 0 end
redis.call('XADD', KEYS[2], '0-' .. ARGV[1], 't', ARGV[2], 'e', ARGV[3])
for i = 4, #ARGV do redis.call('XDEL', KEYS[2], '0-' .. ARGV[i]) end
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[1], 'last_seq', ARGV[1])
return 1
"""

# KEYS: job, running, lease, control. ARGV: id, state, finished, error, model_id, stopped.
FINISH = """
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'running' and state ~= 'paused' then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'finished', ARGV[3], 'error', ARGV[4],
  'model_id', ARGV[5], 'stopped', ARGV[6])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3], KEYS[4])
return 1
"""

# KEYS: job, control. ARGV: command, its JSON, most lr changes.
# Returns 1 (changed) or 0, or the state the job is in when it takes no commands, or 'limit'.
COMMAND = (
    _LIB
    + """
local state = redis.call('HGET', KEYS[1], 'state')
if not active(state) then return state or 'missing' end
local command, changed = ARGV[1], 0
if command == 'pause' then
  if state == 'running' then changed = 1; redis.call('HSET', KEYS[1], 'state', 'paused') end
elseif command == 'resume' then
  if state == 'paused' then changed = 1; redis.call('HSET', KEYS[1], 'state', 'running') end
elseif command == 'step' then
  if state == 'paused' then changed = 1 end
elseif command == 'lr' then
  if tonumber(redis.call('HGET', KEYS[1], 'lr_changes')) >= tonumber(ARGV[3]) then
    return 'limit'
  end
  redis.call('HINCRBY', KEYS[1], 'lr_changes', 1)
  changed = 1
else
  changed = 1
end
if changed == 1 then redis.call('RPUSH', KEYS[2], ARGV[2]) end
return changed
"""
)

# KEYS: running. ARGV: prefix, finished, message. Fails every job a worker holds whose lease
# has run out; returns their ids.
SWEEP = (
    _LIB
    + """
local failed = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local jk = ARGV[1] .. ':job:' .. id
  if not active(redis.call('HGET', jk, 'state')) then
    redis.call('SREM', KEYS[1], id)
  elseif redis.call('EXISTS', jk .. ':lease') == 0 then
    end_job(jk, 'failed', 'error', ARGV[3], ARGV[2])
    redis.call('SREM', KEYS[1], id)
    redis.call('DEL', jk .. ':control')
    table.insert(failed, id)
  end
end
return failed
"""
)


class Scripts:
    """The scripts registered on one client (sent once, then run by their hash)."""

    def __init__(self, client: Redis) -> None:
        self.enqueue = client.register_script(ENQUEUE)
        self.claim = client.register_script(CLAIM)
        self.cancel = client.register_script(CANCEL)
        self.append = client.register_script(APPEND)
        self.finish = client.register_script(FINISH)
        self.command = client.register_script(COMMAND)
        self.sweep = client.register_script(SWEEP)
