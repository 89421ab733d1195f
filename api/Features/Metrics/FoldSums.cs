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
    /// (<see cref="MetricsCounters.ShortSpanCode"/>). Sparse: a row of one case has a few facts, and
    /// adding it to the rows above it touches only those.
    /// </summary>
    public sealed class Counts
    {
        public readonly Sparse Values = new(MetricsFacts.Counted.Count);
        public readonly Sparse Decide = new(MetricsFacts.HourSteps.Length + 1), Resolve = new(MetricsFacts.HourSteps.Length + 1);
        public readonly Sparse ShortSpans = new(MetricsCounters.ShortSpanCodes);

        public void Add(short fact, int n)
        {
            if (fact >= MetricsFacts.ResolveStep) Resolve.Add(fact - MetricsFacts.ResolveStep, n);
            else if (fact >= MetricsFacts.DecideStep) Decide.Add(fact - MetricsFacts.DecideStep, n);
            else Values.Add(MetricsFacts.PositionOf(fact), n);
        }

        /// <summary>Adds another row's facts; a week, month or year takes no short spans (they are read from days).</summary>
        public void Add(Counts other, bool shortSpans)
        {
            Values.Add(other.Values);
            Decide.Add(other.Decide);
            Resolve.Add(other.Resolve);
            if (shortSpans) ShortSpans.Add(other.ShortSpans);
        }

        public bool IsZero => Values.IsZero && Decide.IsZero && Resolve.IsZero && ShortSpans.IsZero;
    }

    /// <summary>Counts by index that remembers which it touched, so that adding it elsewhere costs what it holds.</summary>
    public sealed class Sparse(int size)
    {
        private long[]? _values;
        private readonly ulong[] _touched = new ulong[(size + 63) / 64];

        public long this[int index] => _values is null ? 0 : _values[index];

        public void Add(int index, long n)
        {
            (_values ??= new long[size])[index] += n;
            _touched[index >> 6] |= 1UL << (index & 63);
        }

        public void Add(Sparse other)
        {
            if (other._values is null) return;
            for (var word = 0; word < _touched.Length; word++)
                for (var bits = other._touched[word]; bits != 0; bits &= bits - 1)
                {
                    var index = word * 64 + System.Numerics.BitOperations.TrailingZeroCount(bits);
                    Add(index, other._values[index]);
                }
        }

        public bool IsZero => _values is null || Array.TrueForAll(_values, v => v == 0);

        /// <summary>As stored: index, count, index, count… for the counts not zero; null for none.</summary>
        public int[]? Pairs()
        {
            if (_values is null) return null;
            var pairs = new List<int>();
            for (var index = 0; index < size; index++)
                if (_values[index] != 0) pairs.AddRange([index, checked((int)_values[index])]);
            return pairs.Count == 0 ? null : pairs.ToArray();
        }
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
    // Open days: day number → finest combination → sums; spans by their first day.
    private readonly SortedDictionary<int, Dictionary<int, Counts>> _days = [];
    private readonly SortedDictionary<int, Dictionary<(int Finest, short Kind, int Hi), long>> _spans = [];
    private readonly SortedDictionary<int, Dictionary<int, Counts>> _weeks = [];
    private readonly SortedDictionary<int, Dictionary<int, Counts>> _months = [];
    private readonly SortedDictionary<int, Dictionary<int, Counts>> _years = [];
    private readonly List<(DateOnly Day, short Fact, int N)> _facts = [];
    private readonly List<(short Kind, DateOnly Lo, DateOnly Hi, int N)> _imageSpans = [];

    public void Add(in CaseImage image)
    {
        CompleteBefore(image.First.DayNumber);
        var finest = FinestOf(image);
        _facts.Clear();
        _imageSpans.Clear();
        MetricsFacts.Expand(image, _facts, _imageSpans);
        foreach (var (day, fact, n) in _facts)
        {
            if (!_days.TryGetValue(day.DayNumber, out var rows)) _days[day.DayNumber] = rows = [];
            if (!rows.TryGetValue(finest, out var counts)) rows[finest] = counts = new Counts();
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
        while (_days.Count > 0 && _days.First() is var (day, rows) && day < dayNumber)
        {
            _days.Remove(day);
            var byCombination = new Dictionary<int, Counts>();
            foreach (var (finest, counts) in rows)
                foreach (var combination in _levelsOfFinest[finest])
                {
                    if (!byCombination.TryGetValue(combination, out var sum)) byCombination[combination] = sum = new Counts();
                    sum.Add(counts, shortSpans: true);
                }
            var date = DateOnly.FromDayNumber(day);
            foreach (var (combination, counts) in byCombination)
            {
                if (counts.IsZero) continue;
                Rows.Add((combination, MetricsCounters.Day, date, counts));
                AddTo(_weeks, MetricsCounters.WeekOf(date), combination, counts);
                AddTo(_months, MetricsCounters.MonthOf(date), combination, counts);
                AddTo(_years, MetricsCounters.YearOf(date), combination, counts);
            }
        }
        Emit(_weeks, MetricsCounters.Week, dayNumber);
        Emit(_months, MetricsCounters.Month, dayNumber);
        Emit(_years, MetricsCounters.Year, dayNumber);

        while (_spans.Count > 0 && _spans.First() is var (lo, spans) && lo < dayNumber)
        {
            _spans.Remove(lo);
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
    }

    private static void AddTo(SortedDictionary<int, Dictionary<int, Counts>> grain, DateOnly start, int combination, Counts counts)
    {
        if (!grain.TryGetValue(start.DayNumber, out var rows)) grain[start.DayNumber] = rows = [];
        if (!rows.TryGetValue(combination, out var sum)) rows[combination] = sum = new Counts();
        sum.Add(counts, shortSpans: false);
    }

    /// <summary>The weeks (months) whose last day is before the day given.</summary>
    private void Emit(SortedDictionary<int, Dictionary<int, Counts>> grain, char name, int beforeDayNumber)
    {
        while (grain.Count > 0 && grain.First() is var (start, rows)
               && MetricsCounters.LastDayOf(name, DateOnly.FromDayNumber(start)).DayNumber < beforeDayNumber)
        {
            grain.Remove(start);
            foreach (var (combination, counts) in rows)
                if (!counts.IsZero) Rows.Add((combination, name, DateOnly.FromDayNumber(start), counts));
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
        _levelsOfFinest.Add(levels);
        return index;
    }
}
