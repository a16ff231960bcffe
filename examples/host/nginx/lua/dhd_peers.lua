-- /etc/nginx/lua/dhd_peers.lua: the no-reload setup's upstreams (docs/host-setup.md: "A switch without
-- a reload"). nginx takes each request's peer from a shared dictionary, which confd's
-- reload_cmd sets through a Unix socket only root reaches: a switch reloads nothing, so no
-- kept-alive client connection is closed under its client.
local balancer = require "ngx.balancer"
local peers = ngx.shared.dhd_peers
local M = {}

-- "127.0.0.1:20001" or "[::1]:20001" -> host, port (an IPv6 host keeps its brackets, as
-- set_current_peer wants it); nil for anything else.
local function parse(address)
  if type(address) ~= "string" then return nil end
  local host, port = address:match("^(%d+%.%d+%.%d+%.%d+):(%d+)$")
  if host then
    for octet in host:gmatch("%d+") do
      if tonumber(octet) > 255 then return nil end
    end
  else
    host, port = address:match("^(%[[%x:]+%]):(%d+)$")
  end
  port = tonumber(port)
  if not host or not port or port < 1 or port > 65535 then return nil end
  return host, port
end

-- The address confd rendered last: what an nginx just started (its dictionary empty) serves.
local function rendered(file)
  local f = io.open(file, "r")
  if not f then return nil end
  local line = f:read("*l")
  f:close()
  return line
end

-- balancer_by_lua: the peer of upstream `name`, from the dictionary, else from confd's file.
function M.balance(name, file)
  local address = peers:get(name)
  if not address then
    address = rendered(file)
    -- add, not set: an address the admin socket stored meanwhile is newer than the file.
    if parse(address) then peers:add(name, address) end
  end
  local host, port = parse(address)
  if not host then
    ngx.log(ngx.ERR, "dhd_peers: no address for upstream ", name, " (", file, " holds none yet)")
    -- Port 0 refuses at once: a 502, as before the first deploy in the reload setup
    -- (an exit from the balancer would answer 500).
    host, port = "127.0.0.1", 0
  end
  local ok, err = balancer.set_current_peer(host, port)
  if not ok then
    ngx.log(ngx.ERR, "dhd_peers: ", err)
    return ngx.exit(502)
  end
end

-- content_by_lua on the admin socket: PUT /peer/NAME with the address as the body.
-- A malformed address is refused and the peer kept.
function M.admin(name)
  ngx.req.read_body()
  local address = (ngx.req.get_body_data() or ""):gsub("%s+$", "")
  if not parse(address) then
    ngx.status = 400
    ngx.say("refused: ", address:sub(1, 80), " is not an address (127.0.0.1:PORT or [::1]:PORT)")
    return ngx.exit(400)
  end
  local ok, err = peers:set(name, address)
  if not ok then
    ngx.status = 500
    ngx.say("not stored: ", err)
    return ngx.exit(500)
  end
  ngx.say(name, " -> ", address)
end

return M
