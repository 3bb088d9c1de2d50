using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Pipeline;
using LiquidationEngine.State;

namespace LiquidationEngine.Replay;

/// <summary>How a replay runs: execution model, pacing, the simulated matching engine's cadence, the pipeline's sizes.</summary>
public sealed record ReplaySettings
{
    /// <summary>How liquidation orders are executed.</summary>
    public SimulatedExecution Execution { get; init; } = new(FillMode.Bankruptcy);

    /// <summary>Pacing: 0 = as fast as possible; otherwise feed time runs <c>Speed</c> times faster than real time.</summary>
    public double Speed { get; init; }

    /// <summary>Feed-time length of one matching round, µs: the simulated matching engine answers the orders of a round at
    /// its end (before the next round's marks). Default 1 s.</summary>
    public long MatchIntervalUs { get; init; } = 1_000_000;

    /// <summary>Initial insurance fund of every settlement asset, raw money (a venue top-up before the first tick).</summary>
    public long InsuranceFund { get; init; }

    /// <summary>Writer and output wait strategy (busy-spin, yielding, sleeping, blocking).</summary>
    public string WaitStrategy { get; init; } = "yielding";

    /// <summary>Stop at the first engine rejection of a book row (after loading the book, before any tick).</summary>
    public bool Strict { get; init; }

    /// <summary>How long the driver waits for the engine to answer before it gives up (a stuck pipeline must not hang a run).</summary>
    public TimeSpan AnswerTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Records every input of the run, given the engine's sizes (the host passes a daemon journal writer, so that
    /// <c>replay --journal</c> can replay the run); null for none. The runner disposes what it returns.</summary>
    public Func<EngineOptions, IInputJournal>? Journal { get; init; }

    /// <summary>Where to write the liquidations file (CSV and JSONL); null for none.</summary>
    public LiquidationLog? Log { get; init; }

    /// <summary>Called on the driver thread about every 100 ms (and once at the end) with the progress.</summary>
    public Action<ReplayProgress>? Progress { get; init; }
}

/// <summary>A progress report.</summary>
/// <param name="Ticks">Ticks published so far.</param>
/// <param name="TotalTicks">Total when known.</param>
/// <param name="FeedTimeUs">Feed time of the last tick, µs.</param>
/// <param name="Orders">Liquidation orders seen so far.</param>
/// <param name="Phase">What the run is doing.</param>
public readonly record struct ReplayProgress(long Ticks, long? TotalTicks, long FeedTimeUs, long Orders, string Phase);

/// <summary>
/// Drives a replay through the same <see cref="EnginePipeline"/> — ring, single writer, output thread — that the daemon
/// runs: publishes the book, then the ticks in order, and plays the matching engine by publishing fill or no-fill
/// reports for the liquidation orders the engine emits, as ordinary commands in the same ring.
/// </summary>
/// <remarks>
/// <para>Determinism. The feed is cut into matching rounds of <see cref="ReplaySettings.MatchIntervalUs"/> of feed time.
/// At the end of a round the driver waits until the output thread has seen the reply to the round's last input
/// (every replay input carries a source id, so each gets exactly one ack or reject, after the events it caused), takes
/// the round's orders, and publishes their reports before the next round's first tick. The ring therefore holds the
/// same inputs in the same order on every run, whatever the thread timing, so the events, the liquidations file and the
/// final state hash are identical.</para>
/// <para>Next-mark fills need the instrument's next mark after the trigger: if it fell in the same round it is known at
/// the round's end; otherwise the order waits for the round that holds it. An order still waiting when the input ends
/// fills at the instrument's last mark.</para>
/// </remarks>
public sealed class ReplayRunner
{
    private readonly InstrumentCatalog _catalog;
    private readonly ReplaySettings _settings;

    /// <summary>Creates a runner.</summary>
    public ReplayRunner(InstrumentCatalog catalog, ReplaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MatchIntervalUs, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.Speed);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.InsuranceFund);
        _catalog = catalog;
        _settings = settings;
    }

    /// <summary>Runs a replay of <paramref name="input"/> against <paramref name="book"/>.</summary>
    /// <returns>The result; <see cref="ReplayResult.Failure"/> is set if the input threw (strict mode) or the engine stopped answering.</returns>
    public ReplayResult Run(PositionBook book, IReplayInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(input);
        var run = new RunState(this, book, input, cancellationToken);
        return run.Execute();
    }

    private EngineOptions OptionsFor(PositionBook book)
    {
        var options = new EngineOptions { WaitStrategy = _settings.WaitStrategy };
        int positions = book.Positions.Count;
        options.PositionCapacity = Math.Max(options.PositionCapacity, checked(positions + (positions / 8) + 16));
        options.AccountCapacity = Math.Max(options.AccountCapacity, checked(positions + 16));
        options.OpenOrderCapacity = Math.Max(options.OpenOrderCapacity, checked(positions + 16));
        return options;
    }

    /// <summary>The state of one run (driver thread).</summary>
    [SuppressMessage("Design", "CA1001", Justification = "Execute creates the pipeline and disposes it before returning.")]
    private sealed class RunState
    {
        private readonly ReplayRunner _owner;
        private readonly PositionBook _book;
        private readonly IReplayInput _input;
        private readonly CancellationToken _cancel;
        private readonly ConcurrentDictionary<long, string> _executions = new();
        private readonly List<(long Sequence, long Price)>[] _roundMarks;
        private readonly List<PendingOrder>[] _waitingNextMark;
        private readonly long[] _lastMark;
        private readonly MarkSeries?[] _series;
        private readonly ReplaySettings _s;
        private readonly InstrumentCatalog _catalog;
        private EnginePipeline _pipeline = null!;
        private ReplayEventSink _sink = null!;
        private long _lastPublished = -1;
        private long _published;
        private long _marks;
        private long _funding;
        private long _fundingWithoutPrice;
        private long _orders;
        private long _beyondLimit;
        private long _firstUs = long.MinValue;
        private long _lastUs;
        private long _nextProgress;
        private long _nextProgressTimestamp;
        private long _paceStartTimestamp;

        public RunState(ReplayRunner owner, PositionBook book, IReplayInput input, CancellationToken cancel)
        {
            _owner = owner;
            _book = book;
            _input = input;
            _cancel = cancel;
            _s = owner._settings;
            _catalog = owner._catalog;
            int n = _catalog.Count;
            _roundMarks = new List<(long, long)>[n];
            _waitingNextMark = new List<PendingOrder>[n];
            _lastMark = new long[n];
            _series = new MarkSeries?[n];
        }

        public ReplayResult Execute()
        {
            var total = Stopwatch.StartNew();
            var result = new ReplayResult { BookSource = _book.Source, BookPositions = _book.Positions.Count, BookAccounts = _book.AccountCount, Execution = _s.Execution };
            _sink = new ReplayEventSink(_catalog, _s.Log, _executions, _book.Source);
            EngineOptions options = _owner.OptionsFor(_book);
            IInputJournal? journal = _s.Journal?.Invoke(options);
            using var disposeJournal = journal as IDisposable;
            using (_pipeline = new EnginePipeline(_catalog, options))
            {
                _pipeline.Journal = journal;
                _pipeline.AddSink(_sink);
                _pipeline.Start();
                try
                {
                    Drive(result);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    result.Failure = e.Message;
                }

                // Drain: everything published gets applied and its events written before the state is read.
                if (!_pipeline.Stop(_s.AnswerTimeout))
                {
                    result.Failure ??= $"the engine pipeline did not drain within {_s.AnswerTimeout.TotalSeconds:0} s"
                        + (_pipeline.Fault is { } fault ? $": {fault.Message}" : ".");
                }
                result.EngineTime = total.Elapsed;
                Collect(result, _pipeline.Core);
            }

            _s.Log?.Flush();
            result.TotalTime = total.Elapsed;
            Report("done");
            return result;
        }

        private void Drive(ReplayResult result)
        {
            bool haveFirst = TryRead(result, out ReplayTick first);
            long bookTime = haveFirst ? first.TimestampUs : 0;

            if (_s.InsuranceFund > 0)
            {
                for (int asset = 0; asset < _catalog.Assets.Count; asset++)
                {
                    Publish(new EngineCommand { Kind = CommandKind.InsuranceDeposit, Asset = (short)asset, Amount = _s.InsuranceFund, TimestampUs = bookTime, SourceId = ReplayEventSink.SetupSource });
                }
            }

            Report("loading positions");
            var bookClock = Stopwatch.StartNew();
            foreach (EngineCommand c in _book.Commands(ReplayEventSink.BookSource, bookTime))
            {
                Publish(c);
                result.BookCommands++;
            }

            Await();
            result.BookLoadTime = bookClock.Elapsed;
            if (_s.Strict && _sink.BookRejects.Count > 0)
            {
                result.Failure = $"strict: {_sink.BookRejects[0]}";
                return;
            }

            if (!haveFirst)
            {
                return;
            }

            var replayClock = Stopwatch.StartNew();
            long interval = _s.MatchIntervalUs;
            long roundEnd = RoundStart(first.TimestampUs, interval) + interval;
            _firstUs = first.TimestampUs;
            _paceStartTimestamp = Stopwatch.GetTimestamp();
            ReplayTick tick = first;
            bool more = true;
            long publishedBeforeTicks = _published;
            while (more)
            {
                if (tick.TimestampUs >= roundEnd)
                {
                    EndRound(endOfInput: false, roundEnd);
                    roundEnd = RoundStart(tick.TimestampUs, interval) + interval;
                }

                Pace(tick.TimestampUs);
                PublishTick(tick);
                if (_cancel.IsCancellationRequested)
                {
                    result.Cancelled = true;
                    break;
                }

                more = TryRead(result, out tick);
            }

            EndRound(endOfInput: true, roundEnd);
            result.ReplayTime = replayClock.Elapsed;
            result.InputsPublished = _published - publishedBeforeTicks;
        }

        private bool TryRead(ReplayResult result, out ReplayTick tick)
        {
            if (result.Failure is not null)
            {
                tick = default;
                return false;
            }

            try
            {
                return _input.TryRead(out tick);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                result.Failure = e.Message;
                tick = default;
                return false;
            }
        }

        private static long RoundStart(long timestampUs, long interval)
            => timestampUs - (((timestampUs % interval) + interval) % interval);

        private void PublishTick(in ReplayTick tick)
        {
            int i = tick.Instrument;
            _lastUs = tick.TimestampUs;
            if (tick.Kind == ReplayTickKind.Mark)
            {
                long seq = Publish(new EngineCommand
                {
                    Kind = CommandKind.MarkTick,
                    Instrument = i,
                    Price = tick.Price,
                    TimestampUs = tick.TimestampUs,
                    SourceId = ReplayEventSink.TickSource,
                    ClientSequence = Stopwatch.GetTimestamp(),
                });
                _marks++;
                if ((uint)i < (uint)_catalog.Count && tick.Price > 0)
                {
                    _lastMark[i] = tick.Price;
                    (_series[i] ??= new MarkSeries(i)).Add(tick.TimestampUs, tick.Price);
                    if (_owner._settings.Execution.NeedsNextMark)
                    {
                        (_roundMarks[i] ??= []).Add((seq, tick.Price));
                    }
                }
            }
            else
            {
                long price = tick.Price > 0 ? tick.Price : (uint)i < (uint)_catalog.Count ? _lastMark[i] : 0;
                if (price <= 0)
                {
                    // A settlement before any mark of its instrument: nothing to value it at.
                    _fundingWithoutPrice++;
                    return;
                }

                Publish(new EngineCommand
                {
                    Kind = CommandKind.FundingSettlement,
                    Instrument = i,
                    Price = price,
                    Amount = tick.Rate,
                    TimestampUs = tick.TimestampUs,
                    SourceId = ReplayEventSink.TickSource,
                    ClientSequence = Stopwatch.GetTimestamp(),
                });
                _funding++;
            }

            // Report every 4,096 inputs, or every 100 ms when paced or slow.
            if (_published >= _nextProgress || Stopwatch.GetTimestamp() >= _nextProgressTimestamp)
            {
                _nextProgress = _published + 4096;
                _nextProgressTimestamp = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 10);
                Report("replaying");
            }
        }

        /// <summary>Ends a matching round: waits for the engine, then reports the round's orders (and any now resolvable),
        /// stamped with the round's end in feed time.</summary>
        private void EndRound(bool endOfInput, long timestampUs)
        {
            if (_lastPublished < 0)
            {
                return;
            }

            Await();
            SimulatedExecution execution = _s.Execution;
            var ready = new List<(PendingOrder Order, long NextMark)>();
            if (execution.NeedsNextMark)
            {
                // Older orders whose next mark arrived in this round come first.
                for (int i = 0; i < _waitingNextMark.Length; i++)
                {
                    List<PendingOrder>? waiting = _waitingNextMark[i];
                    List<(long Sequence, long Price)>? marks = _roundMarks[i];
                    if (waiting is { Count: > 0 } && ((marks is { Count: > 0 }) || endOfInput))
                    {
                        long next = marks is { Count: > 0 } ? marks[0].Price : _lastMark[i];
                        ready.AddRange(waiting.Select(o => (o, next)));
                        waiting.Clear();
                    }
                }
            }

            foreach (PendingOrder order in _sink.TakePending())
            {
                _orders++;
                if (!execution.NeedsNextMark)
                {
                    ready.Add((order, 0));
                    continue;
                }

                List<(long Sequence, long Price)>? marks = _roundMarks[order.Instrument];
                long next = 0;
                if (marks is not null)
                {
                    foreach ((long sequence, long price) in marks)
                    {
                        if (sequence > order.InputSequence)
                        {
                            next = price;
                            break;
                        }
                    }
                }

                if (next > 0 || endOfInput)
                {
                    ready.Add((order, next > 0 ? next : _lastMark[order.Instrument]));
                }
                else
                {
                    (_waitingNextMark[order.Instrument] ??= []).Add(order);
                }
            }

            foreach ((PendingOrder order, long nextMark) in ready)
            {
                Instrument inst = _catalog[order.Instrument];
                FillDecision d = execution.Decide(order.Side, order.Limit, order.TriggerMark, nextMark, inst.TickSize.Raw);
                if (d.BeyondLimit)
                {
                    _beyondLimit++;
                }

                _executions[order.OrderId] = d.Filled
                    ? (d.BeyondLimit ? execution.Describe() + " beyond-limit" : execution.Describe())
                    : (d.BeyondLimit ? "no-fill (beyond limit)" : "no-fill");
                Publish(SimulatedExecution.ToCommand(d, order.OrderId, order.Quantity, timestampUs, ReplayEventSink.ExecutionSource, Stopwatch.GetTimestamp()));
            }

            foreach (List<(long Sequence, long Price)>? marks in _roundMarks)
            {
                marks?.Clear();
            }

            if (endOfInput)
            {
                Await();
            }
        }

        private long Publish(in EngineCommand command)
        {
            _lastPublished = _pipeline.Publish(command);
            _published++;
            return _lastPublished;
        }

        private void Await()
        {
            if (_lastPublished >= 0 && !_sink.WaitFor(_lastPublished, _s.AnswerTimeout, () => _pipeline.Fault))
            {
                throw new TimeoutException($"the engine did not answer input {_lastPublished} within {_s.AnswerTimeout.TotalSeconds:0} s.");
            }
        }

        /// <summary>Real-time pacing: sleeps (never spins) until the wall clock catches up with the scaled feed time.</summary>
        private void Pace(long timestampUs)
        {
            if (_s.Speed <= 0)
            {
                return;
            }

            double targetSeconds = (timestampUs - _firstUs) / 1e6 / _s.Speed;
            while (!_cancel.IsCancellationRequested)
            {
                double ahead = targetSeconds - Stopwatch.GetElapsedTime(_paceStartTimestamp).TotalSeconds;
                if (ahead <= 0.001)
                {
                    return;
                }

                // Sleep in short steps so cancellation stays responsive.
                _cancel.WaitHandle.WaitOne(TimeSpan.FromSeconds(Math.Min(ahead, 0.25)));
            }
        }

        private void Report(string phase)
            => _s.Progress?.Invoke(new ReplayProgress(_marks + _funding, _input.TotalTicks, _lastUs, _orders, phase));

        private void Collect(ReplayResult r, EngineCore core)
        {
            EngineState state = core.State;
            r.Marks = _marks;
            r.FundingSettlements = _funding;
            r.FundingWithoutPrice = _fundingWithoutPrice;
            r.FirstTimestampUs = _firstUs == long.MinValue ? 0 : _firstUs;
            r.LastTimestampUs = _lastUs;
            r.OrdersByKind = [.. _sink.OrdersByKind];
            r.Fills = _sink.Fills;
            r.Takeovers = _sink.Takeovers;
            r.BeyondLimit = _beyondLimit;
            r.Fees = [.. _sink.Fees];
            r.LiquidatedNotional = [.. _sink.LiquidatedNotional];
            r.SettlementFundDelta = [.. _sink.SettlementFundDelta];
            r.InsuranceFundStart = [.. Enumerable.Repeat(_s.InsuranceFund, _catalog.Assets.Count)];
            r.InsuranceFundEnd = [.. state.Books.InsuranceFund];
            r.TickRejects = [.. _sink.TickRejectsByReason()];
            r.ExecutionRejects = _sink.ExecutionRejects;
            r.BookRejects = [.. _sink.BookRejects];
            r.PositionsOpenAtEnd = state.Positions.Count;
            r.AccountsAtEnd = state.Accounts.Count;
            r.OpenOrdersAtEnd = state.OpenOrders.Count;
            r.StateHash = StateHasher.Compute(state);
            r.Events = _sink.Events;
            r.Latency = _sink.Latency;
            r.Liquidations = _sink.Liquidations;
            r.FundingEvents = _sink.FundingEvents;
            r.Series = [.. _series.Where(s => s is not null).Select(s => s!)];
        }
    }
}
