-- wrk script for bench-5's write row: each connection creates a product (POST /products) and
-- then reads it back (GET /products/ID, a miss that PostgreSQL answers and Redis stores), in
-- turn. Every SKU is new: thread number, then a counter.
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
end

function init(args)
  counter = 0
  pending = {}
end

function request()
  local id = table.remove(pending)
  if id then
    return wrk.format("GET", "/products/" .. id)
  end
  counter = counter + 1
  local body = string.format(
    '{"sku": "BENCH-%d-%d-%d", "name": "Bench", "price_cents": 1, "stock": 1}',
    tid, os.time() % 100000, counter)
  return wrk.format("POST", "/products", {["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  if status == 201 then
    local id = body:match('"id":%s*(%d+)')
    if id then table.insert(pending, id) end
  end
end
