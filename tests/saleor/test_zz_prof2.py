import time
from django.db import connection

def test_explain(overhead_shop, settings):
    from saleor_loyalty.saleor.checkout_reader import get_read_checkout_sql
    import graphene
    from .overhead import plugin
    with plugin(settings, True):
        gid = overhead_shop.new_checkout(1, 5)
    token = graphene.Node.from_global_id(gid)[1]
    sql = get_read_checkout_sql()
    with connection.cursor() as c:
        for i in range(3):
            c.execute("EXPLAIN (ANALYZE, SUMMARY) " + sql, [token])
            rows = c.fetchall()
        print("\n".join(r[0] for r in rows[-2:]))
        for q in ["SET join_collapse_limit = 1", "SET from_collapse_limit = 1"]:
            pass
        ts = []
        for i in range(50):
            t = time.perf_counter(); c.execute(sql, [token]); c.fetchall(); ts.append(time.perf_counter() - t)
        ts.sort(); print("roundtrip median ms", ts[25] * 1000)
