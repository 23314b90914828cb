-- wrk script for bench-5's write row: each product is created (POST /products), read back
-- (GET /products/ID, a miss that PostgreSQL answers and Redis stores) and deleted (DELETE
-- /products/ID), in turn, so the table never fills however long the load. Every SKU is new:
-- thread number, then a counter.
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
end

function init(args)
  counter = 0
  to_read = {}
  to_delete = {}
end

function request()
  local id = table.remove(to_delete)
  if id then
    return wrk.format("DELETE", "/products/" .. id)
  end
  id = table.remove(to_read)
  if id then
    return wrk.format("GET", "/products/" .. id)
  end
  counter = counter + 1
  local body = string.format(
    '{"sku": "BENCH-%d-%d-%d", "name": "Bench", "price_cents": 1, "stock": 1}',
    tid, os.time() % 100000, counter)
  return wrk.format("POST", "/products", {["Content-Type"] = "application/json"}, body)
end

-- A 201 (created) and a 200 (read) both carry the product; what comes next depends on which.
function response(status, headers, body)
  local id = body:match('"id":%s*(%d+)')
  if not id then return end
  if status == 201 then table.insert(to_read, id)
  elseif status == 200 then table.insert(to_delete, id) end
end
