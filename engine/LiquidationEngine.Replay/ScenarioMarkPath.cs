using LiquidationEngine.Instruments;

namespace LiquidationEngine.Replay;

/// <summary>A point of a scenario's shape: at <see cref="OffsetSeconds"/> from the start the market is
/// <see cref="MoveBps"/> basis points from its start price (before each instrument's beta and the noise).</summary>
/// <param name="OffsetSeconds">Seconds from the scenario start.</param>
/// <param name="MoveBps">Move from the start price, in basis points (−1500 = −15%).</param>
public readonly record struct PathKnot(long OffsetSeconds, long MoveBps);

/// <summary>A funding settlement of a scenario.</summary>
/// <param name="OffsetSeconds">Seconds from the scenario start.</param>
/// <param name="RateRaw">Funding rate, raw (10^-10), before each instrument's funding multiplier.</param>
public readonly record struct PathFunding(long OffsetSeconds, long RateRaw);

/// <summary>One instrument of a scenario path.</summary>
/// <param name="Instrument">Instrument index.</param>
/// <param name="StartPrice">Mark at the start, raw.</param>
/// <param name="BetaPercent">How strongly it follows the shape: 100 moves with it, 160 moves 1.6 times as far.</param>
/// <param name="NoisePpmPerStep">Standard deviation of the per-step noise, in parts per million of the start price (100 = 1 bp).</param>
/// <param name="FundingPercent">Multiplier of the scenario's funding rates, in percent.</param>
public readonly record struct PathInstrument(int Instrument, long StartPrice, int BetaPercent, int NoisePpmPerStep, int FundingPercent);

/// <summary>
/// A seeded, reproducible mark path: each instrument follows a piecewise-linear shape (scaled by its beta) plus
/// mean-reverting noise, one mark per instrument per step, with funding settlements at given times. Integer
/// arithmetic only, so the path is the same on every machine.
/// </summary>
/// <remarks>Mark in parts per million of the start price: <c>1e6 + beta·shape(t) + noise(t)</c>, where
/// <c>noise(t+1) = noise(t) − noise(t)/32 + N(0, σ)</c>; the price is rounded down to the tick grid. At each step the
/// marks come in instrument order; a funding settlement at a step follows that step's marks.</remarks>
public sealed class ScenarioMarkPath : IReplayInput
{
    private readonly PathInstrument[] _instruments;
    private readonly PathKnot[] _knots;
    private readonly PathFunding[] _funding;
    private readonly long[] _ticks;
    private readonly long[] _noisePpm;
    private readonly long[] _lastMark;
    private readonly DeterministicRandom _random;
    private readonly long _startUs;
    private readonly long _stepSeconds;
    private readonly long _steps;
    private long _step;
    private int _next;
    private int _fundingNext;
    private int _fundingInstrument = -1;

    /// <summary>Creates a path.</summary>
    /// <param name="catalog">Gives each instrument's tick size.</param>
    /// <param name="instruments">Instruments and their parameters.</param>
    /// <param name="knots">The shape, by increasing offset; the first at offset 0.</param>
    /// <param name="funding">Funding settlements, by increasing offset.</param>
    /// <param name="startUs">Start time, µs since the Unix epoch.</param>
    /// <param name="durationSeconds">Length of the path.</param>
    /// <param name="stepSeconds">Seconds between marks.</param>
    /// <param name="seed">Noise seed.</param>
    public ScenarioMarkPath(
        InstrumentCatalog catalog,
        IReadOnlyList<PathInstrument> instruments,
        IReadOnlyList<PathKnot> knots,
        IReadOnlyList<PathFunding> funding,
        long startUs,
        long durationSeconds,
        long stepSeconds,
        ulong seed)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(instruments);
        ArgumentNullException.ThrowIfNull(knots);
        ArgumentNullException.ThrowIfNull(funding);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepSeconds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(durationSeconds, stepSeconds);
        if (knots.Count == 0 || knots[0].OffsetSeconds != 0)
        {
            throw new ArgumentException("the shape needs a first knot at offset 0.", nameof(knots));
        }

        _instruments = [.. instruments];
        _knots = [.. knots];
        _funding = [.. funding];
        _ticks = [.. _instruments.Select(i => catalog[i.Instrument].TickSize.Raw)];
        _noisePpm = new long[_instruments.Length];
        _lastMark = new long[_instruments.Length];
        _random = new DeterministicRandom(seed);
        _startUs = startUs;
        _stepSeconds = stepSeconds;
        _steps = (durationSeconds / stepSeconds) + 1;
    }

    /// <inheritdoc/>
    public long? TotalTicks => (_steps * _instruments.Length) + (_funding.Count(f => f.OffsetSeconds / _stepSeconds < _steps) * (long)_instruments.Length);

    /// <summary>Start time, µs since the Unix epoch.</summary>
    public long StartUs => _startUs;

    /// <inheritdoc/>
    public bool TryRead(out ReplayTick tick)
    {
        // Funding settlements of the previous step, one per instrument, after that step's marks.
        if (_fundingInstrument >= 0)
        {
            int k = _fundingInstrument;
            PathInstrument pi = _instruments[k];
            PathFunding f = _funding[_fundingNext];
            long rate = f.RateRaw * pi.FundingPercent / 100;
            tick = new ReplayTick(ReplayTickKind.Funding, TimeOf(_step - 1), pi.Instrument, _lastMark[k], rate);
            if (++_fundingInstrument == _instruments.Length)
            {
                _fundingInstrument = -1;
                _fundingNext++;
            }

            return true;
        }

        if (_step >= _steps)
        {
            tick = default;
            return false;
        }

        int i = _next;
        PathInstrument p = _instruments[i];
        long shapeBps = ShapeAt(_step * _stepSeconds);
        long noise = _noisePpm[i];
        noise = noise - (noise / 32) + _random.NextNormalish(p.NoisePpmPerStep);
        _noisePpm[i] = noise;
        long ppm = 1_000_000 + (shapeBps * 100 * p.BetaPercent / 100) + noise;
        long price = (long)(Math.BigMul(p.StartPrice, Math.Max(ppm, 1_000)) / 1_000_000);
        price = Math.Max(_ticks[i], price - (price % _ticks[i]));
        _lastMark[i] = price;
        tick = new ReplayTick(ReplayTickKind.Mark, TimeOf(_step), p.Instrument, price, 0);

        if (++_next == _instruments.Length)
        {
            _next = 0;
            if (_fundingNext < _funding.Length && _funding[_fundingNext].OffsetSeconds <= _step * _stepSeconds)
            {
                _fundingInstrument = 0;
            }

            _step++;
        }

        return true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private long TimeOf(long step) => _startUs + (step * _stepSeconds * 1_000_000);

    /// <summary>The shape at an offset, linearly interpolated between knots (flat after the last), in basis points.</summary>
    private long ShapeAt(long offsetSeconds)
    {
        for (int k = 1; k < _knots.Length; k++)
        {
            if (offsetSeconds <= _knots[k].OffsetSeconds)
            {
                PathKnot a = _knots[k - 1];
                PathKnot b = _knots[k];
                long span = b.OffsetSeconds - a.OffsetSeconds;
                return span == 0 ? b.MoveBps : a.MoveBps + ((b.MoveBps - a.MoveBps) * (offsetSeconds - a.OffsetSeconds) / span);
            }
        }

        return _knots[^1].MoveBps;
    }
}
