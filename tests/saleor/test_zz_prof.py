import cProfile, pstats, io
from .overhead import cases, measure

def test_prof(overhead_shop, settings):
    case = cases(overhead_shop)["checkoutEmailUpdate"]
    for on in (False, True):
        measure(case, 1, settings=settings, on=on)
    stats = {}
    for on in (False, True):
        prof = cProfile.Profile()
        for i in range(25):
            state = None
            from .overhead import plugin, tasks_queued
            with plugin(settings, on), tasks_queued():
                state = case.prepare(1)
                prof.enable()
                case.act(state)
                prof.disable()
        st = pstats.Stats(prof)
        stats[on] = {f"{k[0].split('site-packages/')[-1].split('saleor-env/saleor/')[-1]}:{k[2]}": v[3] for k, v in st.stats.items()}
        print("\nTOTAL", on, sum(v[2] for v in st.stats.values()))
    diffs = sorted(((stats[True].get(k, 0) - stats[False].get(k, 0), k) for k in set(stats[True]) | set(stats[False])), reverse=True)
    for d, k in diffs[:45]:
        print(f"{d*1000/25:8.3f} ms  {k}")
