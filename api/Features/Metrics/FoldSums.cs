namespace Feedback.Api.Features.Metrics;

/// <summary>
/// The sums of one fold (<see cref="MetricsFolder"/>). Changes come earliest day first
/// (<see cref="CaseImage.First"/>): each is summed by its finest combination and day; once the
/// changes have moved past a day, no later one can touch it, and that day is summed at every level
/// (<see cref="MetricsCounters.Levels"/>) into a counter row, and into its week, month and year,
/// which are complete in turn when the changes have moved past their last day. So memory holds the days
/// still open, not the whole history a recount goes through.
/// </summary>
public sealed class FoldSums(Dictionary<Combination, int> combinations)
{
    /// <summary>
    /// The facts of a counter row: the columns of <see cref="MetricsFacts.Counted"/>, the hours to
    /// decide and to resolve by step, and (day rows only) the short spans
    /// (<see cref="MetricsCounters.ShortSpanCode"/>). A row of one case has a few facts: adding it to
    /// the rows above it touches only those.
    /// </summary>
    public sealed class Counts
    {
        private readonly long[] _values = new long[MetricsFacts.Counted.Count];
        private ulong _touched;
        public readonly Steps Decide = new(), Resolve = new(), ShortSpans = new();

        public long this[int column] => _values[column];

        public void Add(short fact, int n)
        {
            if (fact >= MetricsFacts.ResolveStep) Resolve.Add(fact - MetricsFacts.ResolveStep, n);
            else if (fact >= MetricsFacts.DecideStep) Decide.Add(fact - MetricsFacts.DecideStep, n);
            else AddColumn(MetricsFacts.PositionOf(fact), n);
        }

        /// <summary>Adds another row's facts; a week, month or year takes no short spans (they are read from days).</summary>
        public void Add(Counts other, bool shortSpans)
        {
            for (var bits = other._touched; bits != 0; bits &= bits - 1)
            {
                var column = System.Numerics.BitOperations.TrailingZeroCount(bits);
                AddColumn(column, other._values[column]);
            }
            Decide.Add(other.Decide);
            Resolve.Add(other.Resolve);
            if (shortSpans) ShortSpans.Add(other.ShortSpans);
        }

        public bool IsZero => Array.TrueForAll(_values, v => v == 0) && Decide.IsZero && Resolve.IsZero && ShortSpans.IsZero;

        /// <summary>Empty again, to be used for another row.</summary>
        public void Clear()
        {
            Array.Clear(_values);
            _touched = 0;
            Decide.Clear();
            Resolve.Clear();
            ShortSpans.Clear();
        }

        private void AddColumn(int column, long n)
        {
            _values[column] += n;
            _touched |= 1UL << column;
        }
    }

    /// <summary>
    /// Counts by a small index (an hour step, a short span's code): as pairs while a row has a few,
    /// by index once it has more (a day, week or month of a whole section).
    /// </summary>
    public sealed class Steps
    {
        private const int Few = 8, Size = 128;
        private readonly int[] _keys = new int[Few];
        private readonly long[] _counts = new long[Few];
        private int _length;
        private long[]? _byIndex;
        private bool _many;

        public void Add(int key, long n)
        {
            if (_many)
            {
                _byIndex![key] += n;
                return;
            }
            for (var i = 0; i < _length; i++)
                if (_keys[i] == key)
                {
                    _counts[i] += n;
                    return;
                }
            if (_length < Few)
            {
                _keys[_length] = key;
                _counts[_length++] = n;
                return;
            }
            _byIndex ??= new long[Size];
            for (var i = 0; i < _length; i++) _byIndex[_keys[i]] += _counts[i];
            _many = true;
            _byIndex[key] += n;
        }

        public void Add(Steps other)
        {
            if (other._many)
            {
                for (var key = 0; key < Size; key++)
                    if (other._byIndex![key] != 0) Add(key, other._byIndex[key]);
            }
            else
                for (var i = 0; i < other._length; i++) Add(other._keys[i], other._counts[i]);
        }

        public bool IsZero => _many ? Array.TrueForAll(_byIndex!, n => n == 0) : !_counts.AsSpan(0, _length).ContainsAnyExcept(0);

        public void Clear()
        {
            _length = 0;
            if (_many) Array.Clear(_byIndex!);
            _many = false;
        }

        /// <summary>As stored: key, count, key, count… in key order, the counts not zero; null for none.</summary>
        public int[]? Pairs()
        {
            if (!_many)
            {
                // A few pairs: each put in key order as it is copied.
                var kept = _counts.AsSpan(0, _length).Length - _counts.AsSpan(0, _length).Count(0L);
                if (kept == 0) return null;
                var few = new int[2 * kept];
                var filled = 0;
                for (var i = 0; i < _length; i++)
                {
                    if (_counts[i] == 0) continue;
                    var at = filled++;
                    for (; at > 0 && few[2 * (at - 1)] > _keys[i]; at--) (few[2 * at], few[2 * at + 1]) = (few[2 * at - 2], few[2 * at - 1]);
                    (few[2 * at], few[2 * at + 1]) = (_keys[i], checked((int)_counts[i]));
                }
                return few;
            }
            var pairs = new List<int>();
            for (var key = 0; key < Size; key++)
                if (_byIndex![key] != 0) pairs.AddRange(key, checked((int)_byIndex[key]));
            return pairs.Count == 0 ? null : pairs.ToArray();
        }
    }


    private readonly Stack<Counts> _free = new();

    private Counts NewCounts() => _free.TryPop(out var counts) ? counts : new Counts();

    /// <summary>The rows written: their sums serve again for rows to come (a recount makes millions).</summary>
    public void Recycle()
    {
        foreach (var row in Rows) Release(row.Counts);
        Rows.Clear();
    }

    private void Release(Counts counts)
    {
        counts.Clear();
        _free.Push(counts);
    }

    /// <summary>Which columns of <see cref="MetricsFacts.Counted"/> are bigint (sums of pins in micro-degrees).</summary>
    public static readonly bool[] Wide = MetricsFacts.Counted.Select(c => c.Fact is MetricsFacts.LatitudeMicro or MetricsFacts.LongitudeMicro).ToArray();

    /// <summary>Complete counter rows to write.</summary>
    public readonly List<(int Combination, char Grain, DateOnly Day, Counts Counts)> Rows = [];
    /// <summary>Complete spans to write (kind, lo, hi: <see cref="MetricsFacts.Union"/>).</summary>
    public readonly List<(int Combination, short Kind, DateOnly Lo, DateOnly Hi, long N)> Spans = [];
    /// <summary>Combinations met for the first time, to write before the rows that name them.</summary>
    public readonly List<(int Id, Combination Combination)> NewCombinations = [];
    /// <summary>The longest reach (<see cref="MetricsCounters.ReachOf"/>) of the spans written, by combination.</summary>
    public readonly Dictionary<int, short> LongestReaches = [];

    private int _nextId = combinations.Count == 0 ? 1 : combinations.Values.Max() + 1;
    // The finest combinations (every dimension) met, each with its combination id at every level.
    private readonly Dictionary<Combination, int> _finest = [];
    private readonly List<int[]> _levelsOfFinest = [];
    // Each level's combination from its parent level's (MetricsCounters.Parents), by the parent's id.
    private readonly Dictionary<int, int>[] _childOf = MetricsCounters.Levels.Select(_ => new Dictionary<int, int>()).ToArray();
    // Open days: day number → finest combination → sums; spans by their first day; weeks, months
    // and years by their first day → combination → sums.
    private readonly Dictionary<int, Dictionary<int, Counts>> _days = [];
    private readonly Dictionary<int, Dictionary<(int Finest, short Kind, int Hi), long>> _spans = [];
    private readonly Dictionary<char, Dictionary<int, Dictionary<int, Counts>>> _periods = new()
    {
        [MetricsCounters.Week] = [], [MetricsCounters.Month] = [], [MetricsCounters.Year] = [],
    };
    // Days before this one are complete.
    private int _open = int.MinValue;
    private readonly List<(DateOnly Day, short Fact, int N)> _facts = [];
    private readonly List<(short Kind, DateOnly Lo, DateOnly Hi, int N)> _imageSpans = [];

    public void Add(in CaseImage image)
    {
        if (image.First.DayNumber > _open) CompleteBefore(image.First.DayNumber);
        var finest = FinestOf(image);
        _facts.Clear();
        _imageSpans.Clear();
        MetricsFacts.Expand(image, _facts, _imageSpans);
        foreach (var (day, fact, n) in _facts)
        {
            if (!_days.TryGetValue(day.DayNumber, out var rows)) _days[day.DayNumber] = rows = [];
            if (!rows.TryGetValue(finest, out var counts)) rows[finest] = counts = NewCounts();
            counts.Add(fact, n);
        }
        foreach (var (kind, lo, hi, n) in _imageSpans)
            if (MetricsCounters.ShortSpanCode(kind, lo, hi) is { } code)
                _days[lo.DayNumber][finest].ShortSpans.Add(code, n);
            else
            {
                if (!_spans.TryGetValue(lo.DayNumber, out var spans)) _spans[lo.DayNumber] = spans = [];
                spans[(finest, kind, hi.DayNumber)] = spans.GetValueOrDefault((finest, kind, hi.DayNumber)) + n;
            }
    }

    /// <summary>Everything summed is complete: the last changes have been added.</summary>
    public void CompleteAll() => CompleteBefore(int.MaxValue);

    private void CompleteBefore(int dayNumber)
    {
        // The days still open before it, in order (at the end, all that are left).
        var days = _open == int.MinValue || dayNumber == int.MaxValue
            ? _days.Keys.Concat(_spans.Keys).Where(d => d < dayNumber).Distinct().Order().ToList()
            : Enumerable.Range(_open, dayNumber - _open).ToList();
        foreach (var day in days)
        {
            if (_days.Remove(day, out var rows)) CompleteDay(day, rows);
            if (_spans.Remove(day, out var spans)) CompleteSpans(day, spans);
        }
        foreach (var (grain, periods) in _periods)
            foreach (var start in periods.Keys.Where(start => MetricsCounters.LastDayOf(grain, DateOnly.FromDayNumber(start)).DayNumber < dayNumber).Order().ToList())
            {
                periods.Remove(start, out var rows);
                foreach (var (combination, counts) in rows!) Emit(combination, grain, DateOnly.FromDayNumber(start), counts);
            }
        _open = dayNumber;
    }

    /// <summary>A day's sums at every level, each from its parent level's; into the day's week, month and year.</summary>
    private void CompleteDay(int day, Dictionary<int, Counts> finestRows)
    {
        var date = DateOnly.FromDayNumber(day);
        var byLevel = new Dictionary<int, Counts>[MetricsCounters.Levels.Length];
        var every = Array.IndexOf(MetricsCounters.Levels, MetricsCounters.Every);
        byLevel[every] = finestRows.ToDictionary(r => _levelsOfFinest[r.Key][every], r => r.Value);
        foreach (var level in MetricsCounters.RollUpOrder)
        {
            var rows = byLevel[level] = [];
            foreach (var (parent, counts) in byLevel[MetricsCounters.Parents[level]])
            {
                var combination = _childOf[level][parent];
                if (!rows.TryGetValue(combination, out var sum)) rows[combination] = sum = NewCounts();
                sum.Add(counts, shortSpans: true);
            }
        }
        var periods = new[]
        {
            (MetricsCounters.Week, RowsOf(MetricsCounters.Week, MetricsCounters.WeekOf(date))),
            (MetricsCounters.Month, RowsOf(MetricsCounters.Month, MetricsCounters.MonthOf(date))),
            (MetricsCounters.Year, RowsOf(MetricsCounters.Year, MetricsCounters.YearOf(date))),
        };
        for (var level = 0; level < byLevel.Length; level++)
            foreach (var (combination, counts) in byLevel[level])
            {
                foreach (var (grain, periodRows) in periods)
                {
                    if (!MetricsCounters.Keeps(MetricsCounters.Levels[level], grain)) continue;
                    if (!periodRows.TryGetValue(combination, out var sum)) periodRows[combination] = sum = NewCounts();
                    sum.Add(counts, shortSpans: false);
                }
                if (MetricsCounters.Keeps(MetricsCounters.Levels[level], MetricsCounters.Day)) Emit(combination, MetricsCounters.Day, date, counts);
                else Release(counts);
            }
    }

    private Dictionary<int, Counts> RowsOf(char grain, DateOnly start)
    {
        var periods = _periods[grain];
        if (!periods.TryGetValue(start.DayNumber, out var rows)) periods[start.DayNumber] = rows = [];
        return rows;
    }

    private void Emit(int combination, char grain, DateOnly start, Counts counts)
    {
        if (counts.IsZero) Release(counts);
        else Rows.Add((combination, grain, start, counts));
    }

    /// <summary>The spans of a first day at every level.</summary>
    private void CompleteSpans(int lo, Dictionary<(int Finest, short Kind, int Hi), long> spans)
    {
        var byCombination = new Dictionary<(int Combination, short Kind, int Hi), long>();
        foreach (var ((finest, kind, hi), n) in spans)
            foreach (var combination in _levelsOfFinest[finest])
                byCombination[(combination, kind, hi)] = byCombination.GetValueOrDefault((combination, kind, hi)) + n;
        foreach (var ((combination, kind, hi), n) in byCombination)
        {
            if (n == 0) continue;
            Spans.Add((combination, kind, DateOnly.FromDayNumber(lo), DateOnly.FromDayNumber(hi), n));
            var reach = MetricsCounters.ReachOf(DateOnly.FromDayNumber(lo), DateOnly.FromDayNumber(hi));
            if (reach > LongestReaches.GetValueOrDefault(combination)) LongestReaches[combination] = reach;
        }
    }

    private int FinestOf(in CaseImage image)
    {
        var finest = MetricsCounters.Of(MetricsCounters.Every, image.Section, image.Category, image.Township, image.Channel, image.Confidential);
        if (_finest.TryGetValue(finest, out var index)) return index;
        index = _levelsOfFinest.Count;
        _finest[finest] = index;
        var levels = new int[MetricsCounters.Levels.Length];
        for (var i = 0; i < levels.Length; i++)
        {
            var combination = MetricsCounters.Of(MetricsCounters.Levels[i], image.Section, image.Category, image.Township, image.Channel, image.Confidential);
            if (!combinations.TryGetValue(combination, out var id))
            {
                combinations[combination] = id = _nextId++;
                NewCombinations.Add((id, combination));
            }
            levels[i] = id;
        }
        for (var i = 0; i < levels.Length; i++)
            if (MetricsCounters.Parents[i] >= 0) _childOf[i][levels[MetricsCounters.Parents[i]]] = levels[i];
        _levelsOfFinest.Add(levels);
        return index;
    }
}
