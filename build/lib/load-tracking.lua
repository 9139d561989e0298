-- wrk script of build/load.sh's proxy scenario (wrk ... -s load-tracking.lua URL -- MODE PATH [ETAG]):
--   track PATH        page views as matomo.js sends them (GET PATH?idsite=1&rec=1&..., send_image=0), each with its
--                     own random number, page, title, visitor id and page view id, a browser's User-Agent and
--                     Accept-Language, and a visitor's cookies: Matomo's own and a site session cookie
--   revalidate PATH ETAG   GET PATH with If-None-Match: ETAG (the script, answered 304 from the proxy's memory)
--   revalidate-as-hit PATH ETAG   the same revalidation carrying a page view's query string, User-Agent,
--                     Accept-Language and cookies: a request of a hit's size that the site answers from memory
local mode, path, etag = "track", "/matomo.php", nil

function init(args)
  mode = args[1] or mode
  path = args[2] or path
  etag = args[3]
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

local counter = 0
local agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"

request = function()
  if mode == "revalidate" then
    return wrk.format("GET", path, { ["If-None-Match"] = etag, ["User-Agent"] = agent })
  end
  counter = counter + 1
  local page = counter % 500
  local visitor = string.format("%08x%08x", math.random(0, 0x7fffffff), counter)
  local now = os.time()
  local query = "idsite=1&rec=1&r=" .. math.random(100000, 999999)
    .. "&h=" .. os.date("%H", now) .. "&m=" .. os.date("%M", now) .. "&s=" .. os.date("%S", now)
    .. "&url=https%3A%2F%2Fshop.example.org%2Fproducts%2F" .. page .. "%3Fcolour%3Dblue"
    .. "&urlref=https%3A%2F%2Fwww.example.com%2Fsearch%3Fq%3Dblue%2Bshoes"
    .. "&action_name=Product%20" .. page .. "%20%E2%80%93%20Example%20Shop"
    .. "&_id=" .. visitor .. "&_idn=0&_refts=0&send_image=0&pv_id=" .. string.format("%06x", counter % 0xffffff)
    .. "&pf_net=0&pf_srv=" .. math.random(5, 40) .. "&pf_tfr=3&pf_dm1=" .. math.random(80, 400)
    .. "&cookie=1&res=1920x1080&pdf=1&qt=0&realp=0&wma=0&fla=0&java=0&ag=0"
  local headers = {
    ["User-Agent"] = agent,
    ["Accept-Language"] = "en-GB,en;q=0.9,de;q=0.8",
    ["Cookie"] = "_pk_id.1.1fff=" .. visitor .. "." .. (now - 86400) .. "; _pk_ses.1.1fff=1; ASP.NET_SessionId=" .. visitor .. "sess",
  }
  if mode == "revalidate-as-hit" then headers["If-None-Match"] = etag end
  return wrk.format("GET", path .. "?" .. query, headers)
end
