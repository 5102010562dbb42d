using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using ActorCausal.Protocol;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Simulation;

/// <summary>
/// The <c>sim</c> command line: runs many seeded schedules and checks every one. The last line of output is always
/// <c>schedules=N deliveries=D violations=V</c> once the run starts; the exit code is 1 when V &gt; 0 and on invalid arguments.
/// </summary>
public static class Cli
{
    private const int MaxViolationsShown = 10;
    private const int MaxViolatingSeedsShown = 40;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var schedules = new Option<int>("--schedules") { Description = "Number of schedules to run.", DefaultValueFactory = _ => 100 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the first schedule; schedule i uses seed+i.", DefaultValueFactory = _ => 1UL };
        var members = new Option<int>("--members") { Description = "Members of the group.", DefaultValueFactory = _ => 5 };
        var messages = new Option<int>("--messages") { Description = "Broadcasts per schedule.", DefaultValueFactory = _ => 200 };
        var loss = new Option<double>("--loss") { Description = "Probability that a message copy is lost on a link, in [0, 1).", DefaultValueFactory = _ => 0 };
        var dup = new Option<double>("--dup") { Description = "Probability that a message is duplicated on a link, in [0, 1].", DefaultValueFactory = _ => 0 };
        var order = new Option<string>("--order") { Description = "Delivery order of the broadcasts.", DefaultValueFactory = _ => "mixed" };
        order.AcceptOnlyFromAmong("fifo", "causal", "explicit", "total", "mixed");
        var totalMode = new Option<string>("--total-mode") { Description = "Total-order variant: three, two, symmetric, or three/two picked per schedule (mixed).", DefaultValueFactory = _ => "mixed" };
        totalMode.AcceptOnlyFromAmong("three", "two", "symmetric", "mixed");
        var fifoLinks = new Option<bool>("--fifo-links") { Description = "Links deliver in send order (as Akka remoting does); false lets messages overtake.", DefaultValueFactory = _ => true };
        var delayMin = new Option<int>("--delay-min") { Description = "Minimum link delay in ms.", DefaultValueFactory = _ => 1 };
        var delayMax = new Option<int>("--delay-max") { Description = "Maximum link delay in ms.", DefaultValueFactory = _ => 30 };
        var parallelism = new Option<int>("--parallelism") { Description = "Schedules run at once (each one is single-threaded).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var faults = new Option<string>("--faults")
        {
            Description = "Membership faults: none, all, classic (the first six), or a comma list of crash, join, leave, suspect, partition, restart, pause, downall, indirect, rejoin, stagger, founding (a quarter of the schedules start by founding: concurrent founders, slow members, merges). Each schedule draws its own plan from its seed.",
            DefaultValueFactory = _ => "none",
        };
        faults.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && !FaultKindsText.TryParse(result.Tokens[0].Value, out _, out var problem)) result.AddError(problem!);
        });
        var uniformTotal = new Option<bool>("--uniform-total")
        {
            Description = "Check total order also through members that crashed, were downed or left (reported as UniformTotal; the protocol does not promise this).",
            DefaultValueFactory = _ => false,
        };
        var safe = new Option<double>("--safe")
        {
            Description = "Probability that a causal or total-order broadcast is safe (SafeCausal, SafeTotal), in [0, 1]; checked for uniform agreement (UniformAgreement).",
            DefaultValueFactory = _ => 0,
        };
        var trace = new Option<int>("--trace")
        {
            Description = "For the first violating schedule, print its fault log and up to this many history events around the first violation.",
            DefaultValueFactory = _ => 0,
        };

        var founders = new Option<int>("--founders")
        {
            Description = "Also run this many start-up schedules of concurrent founders (lost and delayed announcements, start-up partitions) that must end merged in one view per group name; printed before the main run.",
            DefaultValueFactory = _ => 0,
        };
        var maxUnstable = new Option<int>("--max-unstable")
        {
            Description = "Each member's unstable bound (GroupMemberSettings.MaxUnstable); a small one exercises back-pressure and the stability reports.",
            DefaultValueFactory = _ => new GroupMemberSettings().MaxUnstable,
        };
        var safeQuorum = new Option<string>("--safe-quorum")
        {
            Description = "Which members must store a safe message before it is delivered: all (GroupMemberSettings.SafeQuorum's default) or majority.",
            DefaultValueFactory = _ => "all",
        };
        safeQuorum.AcceptOnlyFromAmong("all", "majority");
        Positive(maxUnstable);
        AtLeast(founders, 0);
        Positive(schedules);
        Positive(members);
        Positive(parallelism);
        AtLeast(messages, 0);
        AtLeast(delayMin, 0);
        AtLeast(delayMax, 0);
        AtLeast(trace, 0);
        Probability(loss, allowOne: false);
        Probability(dup, allowOne: true);
        Probability(safe, allowOne: true);

        var root = new RootCommand("Deterministic network simulation of ActorCausal groups, checked against the design's invariants.")
        {
            schedules, seed, members, messages, loss, dup, order, totalMode, fifoLinks, delayMin, delayMax, parallelism, faults, uniformTotal, safe, trace, founders, maxUnstable, safeQuorum,
        };
        root.SetAction(parse =>
        {
            if (parse.GetValue(delayMax) < parse.GetValue(delayMin))
            {
                error.WriteLine("--delay-max must be at least --delay-min.");
                return 1;
            }
            var options = new SimulationOptions
            {
                Members = parse.GetValue(members),
                Messages = parse.GetValue(messages),
                Loss = parse.GetValue(loss),
                Duplication = parse.GetValue(dup),
                Reorder = !parse.GetValue(fifoLinks),
                MinDelayMs = parse.GetValue(delayMin),
                MaxDelayMs = parse.GetValue(delayMax),
                Order = parse.GetValue(order) switch
                {
                    "fifo" => OrderMix.Fifo,
                    "causal" => OrderMix.Causal,
                    "explicit" => OrderMix.Explicit,
                    "total" => OrderMix.Total,
                    _ => OrderMix.Mixed,
                },
                TotalMode = parse.GetValue(totalMode) switch
                {
                    "three" => TotalOrderMode.ThreeStep,
                    "two" => TotalOrderMode.TwoStep,
                    "symmetric" => TotalOrderMode.Symmetric,
                    _ => null,
                },
                Faults = FaultKindsText.TryParse(parse.GetValue(faults), out var kinds, out _) ? kinds : FaultKinds.None,
                UniformTotalOrder = parse.GetValue(uniformTotal),
                SafeFraction = parse.GetValue(safe),
                ProtocolSettings = ProtocolSettingsOf(parse.GetValue(maxUnstable), parse.GetValue(safeQuorum) == "majority" ? SafeQuorum.Majority : SafeQuorum.All),
            };
            var founderViolations = parse.GetValue(founders) > 0
                ? Founding.FoundersCli.Execute(parse.GetValue(seed), parse.GetValue(founders), parse.GetValue(parallelism), output)
                : 0;
            var code = Execute(options, parse.GetValue(seed), parse.GetValue(schedules), parse.GetValue(parallelism), output, GroupMemberAdapter.Factory, parse.GetValue(trace), GroupMemberAdapter.JoinerFactory);
            return founderViolations > 0 ? 1 : code;
        });

        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>The protocol settings the flags ask for; null when they are the defaults.</summary>
    private static GroupMemberSettings? ProtocolSettingsOf(int maxUnstable, SafeQuorum safeQuorum)
    {
        var settings = new GroupMemberSettings { MaxUnstable = maxUnstable, SafeQuorum = safeQuorum };
        return settings == new GroupMemberSettings() ? null : settings;
    }

    /// <summary>Runs the schedules and prints the report; returns the exit code.</summary>
    public static int Execute(SimulationOptions options, ulong firstSeed, int schedules, int parallelism, TextWriter output) =>
        Execute(options, firstSeed, schedules, parallelism, output, GroupMemberAdapter.Factory, 0, GroupMemberAdapter.JoinerFactory);

    internal static int Execute(SimulationOptions options, ulong firstSeed, int schedules, int parallelism, TextWriter output, SimulatedMemberFactory factory,
        int traceEvents = 0, SimulatedJoinerFactory? joiners = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var inv = CultureInfo.InvariantCulture;
        var faultText = options.HasFaults ? $", faults {FaultKindsText.Format(options.Faults)}{(options.FaultScript is null ? "" : " (scripted)")}{(options.UniformTotalOrder ? "" : ", non-uniform total order")}" : "";
        output.WriteLine(string.Create(inv,
            $"sim: {schedules} schedules from seed {firstSeed}, {options.Members} members, {options.Messages} broadcasts, order {options.Order}, total {options.TotalMode?.ToString() ?? "mixed"}{(options.SafeFraction > 0 ? $", safe {options.SafeFraction}" : "")}{(options.ProtocolSettings?.SafeQuorum == SafeQuorum.Majority ? " (majority quorum)" : "")}, loss {options.Loss}, dup {options.Duplication}, {(options.Reorder ? "reordering" : "FIFO")} links{faultText}"));

        long deliveries = 0, broadcasts = 0, transmissions = 0, violations = 0, rejected = 0, unknownDeps = 0, skew = 0, backPressure = 0, byMinority = 0;
        int done = 0, notQuiescent = 0, violating = 0;
        ScheduleResult? first = null;
        var traceHash = 14695981039346656037UL;
        var progressStep = Math.Max(1, schedules / 10);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var byKind = new SortedDictionary<ViolationKind, long>();
        var byMessageKind = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long safeMessages = 0;
        long crashes = 0, joins = 0, restarts = 0, leaves = 0, suspicions = 0, partitions = 0, pauses = 0, indirect = 0, rejoins = 0, viewInstalls = 0, held = 0, snapshots = 0, skipped = 0, lost = 0, foundingSchedules = 0, splitAtStart = 0, mergedMembers = 0;
        int uniformOnly = 0;
        var violatingSeeds = new List<string>();
        ScheduleResult? firstUniformOnly = null;

        SimulationRunner.RunMany(options, firstSeed, schedules, factory, r =>
        {
            done++;
            traceHash = (traceHash ^ r.TraceHash) * 1099511628211UL;
            deliveries += r.Deliveries;
            broadcasts += r.Broadcasts;
            transmissions += r.NetworkMessages;
            foreach (var (kind, count) in r.NetworkMessagesByKind) byMessageKind[kind] = byMessageKind.GetValueOrDefault(kind) + count;
            safeMessages += r.SafeMessagesDelivered;
            violations += r.Violations.Length;
            rejected += r.RejectedInputs;
            unknownDeps += r.UnknownDependencyRefusals;
            skew += r.ClockSkewEvents;
            byMinority += r.ViewChangesByMinority;
            backPressure += r.BackPressureRefusals;
            if (!r.Quiescent) notQuiescent++;
            foreach (var v in r.Violations) byKind[v.Kind] = byKind.GetValueOrDefault(v.Kind) + 1;
            if (r.Faults is { } f)
            {
                crashes += f.Crashes;
                joins += f.Joins;
                restarts += f.Restarts;
                leaves += f.Leaves;
                suspicions += f.FalseSuspicions;
                partitions += f.Partitions;
                pauses += f.Pauses;
                indirect += f.IndirectlyConnected;
                rejoins += f.Rejoins;
                viewInstalls += f.ViewInstalls;
                held += f.HeldBroadcasts;
                snapshots += f.SnapshotsLoaded;
                skipped += f.SkippedSteps;
                lost += f.LostBroadcasts;
                if (f.StartedByFounding) foundingSchedules++;
                if (f.FoundedGroups > 1) splitAtStart++;
                mergedMembers += f.MergedMembers;
            }
            if (r.HasViolations)
            {
                violating++;
                if (violatingSeeds.Count < MaxViolatingSeedsShown) violatingSeeds.Add($"{r.Seed}({string.Join("+", r.Violations.Select(v => v.Kind).Distinct())})");
                if (r.Violations.All(v => v.Kind == ViolationKind.UniformTotal))
                {
                    uniformOnly++;
                    firstUniformOnly ??= r;
                }
                else first ??= r;
            }
            if (done % progressStep == 0 && done < schedules)
                output.WriteLine(string.Create(inv, $"  {done}/{schedules} schedules, {deliveries} deliveries, {violations} violations, {started.Elapsed.TotalSeconds:F1}s"));
        }, parallelism, joiners);

        output.WriteLine(string.Create(inv,
            $"quiescent={schedules - notQuiescent}/{schedules} back-pressure-refusals={backPressure} rejected-inputs={rejected} unknown-dependency-refusals={unknownDeps} clock-skew={skew} network-messages-per-broadcast={(double)transmissions / Math.Max(1, broadcasts):F1} trace-hash={traceHash:x16} elapsed={started.Elapsed.TotalSeconds:F1}s"));
        output.WriteLine("network messages per broadcast by kind: " + string.Join(" ", byMessageKind.Select(k => string.Create(inv, $"{k.Key}={(double)k.Value / Math.Max(1, broadcasts):F2}"))));
        if (options.HasFaults)
        {
            output.WriteLine(string.Create(inv,
                $"faults: crashes={crashes} joins={joins} restarts={restarts} leaves={leaves} false-suspicions={suspicions} partitions={partitions} pauses={pauses} indirectly-connected={indirect} rejoins={rejoins} view-installs={viewInstalls} held-broadcasts={held} snapshots-loaded={snapshots} skipped-steps={skipped} lost-broadcasts={lost} view-changes-by-minority={byMinority}"));
            if ((options.Faults & FaultKinds.Founding) != 0)
                output.WriteLine(string.Create(inv, $"founding: schedules-started-by-founding={foundingSchedules} split-at-start={splitAtStart} merged-members={mergedMembers}"));
        }
        if (options.SafeFraction > 0)
            output.WriteLine(string.Create(inv, $"safe: messages-delivered={safeMessages} uniform-agreement-violations={byKind.GetValueOrDefault(ViolationKind.UniformAgreement)}"));
        if (byKind.Count > 0)
            output.WriteLine("violations by kind: " + string.Join(" ", byKind.Select(k => string.Create(inv, $"{k.Key}={k.Value}"))));
        if (uniformOnly > 0)
        {
            output.WriteLine(string.Create(inv,
                $"{uniformOnly} schedules violate only uniform total order (a member that crashed, was downed or left ordered two total messages unlike a survivor); first: seed {firstUniformOnly!.Seed}"));
            foreach (var v in firstUniformOnly.Violations.Take(3))
                output.WriteLine(string.Create(inv, $"  seed={firstUniformOnly.Seed} kind={v.Kind} member={v.Member} messages=[{string.Join(", ", v.Messages)}] {FirstLine(v.Detail)}"));
        }
        first ??= firstUniformOnly;
        if (first is not null)
        {
            output.WriteLine(string.Create(inv, $"{violating} violating schedules; first violating seed: {first.Seed} (total-order mode {first.TotalOrderMode}, {first.Violations.Length} violations)"));
            output.WriteLine($"violating seeds (first {MaxViolatingSeedsShown}, with their kinds): {string.Join(" ", violatingSeeds)}");
            foreach (var v in first.Violations.Take(MaxViolationsShown))
                output.WriteLine(string.Create(inv, $"  seed={first.Seed} kind={v.Kind} member={v.Member} messages=[{string.Join(", ", v.Messages)}] {FirstLine(v.Detail)}"));
            if (first.Violations.Length > MaxViolationsShown) output.WriteLine($"  ... {first.Violations.Length - MaxViolationsShown} more");
            foreach (var sample in first.RejectionSamples) output.WriteLine($"  {sample}");
            if (first.Faults is { } f)
            {
                output.WriteLine("  fault plan: " + string.Join("; ", f.Plan));
                foreach (var line in f.Log) output.WriteLine($"    {line}");
            }
            if (traceEvents > 0) PrintTrace(options, first.Seed, factory, joiners, traceEvents, output);
        }
        output.WriteLine(string.Create(inv, $"schedules={schedules} deliveries={deliveries} violations={violations}"));
        return violations > 0 ? 1 : 0;
    }

    /// <summary>Runs <paramref name="seed"/> again with histories and prints the events of every member merged by time, around the first violation's messages.</summary>
    private static void PrintTrace(SimulationOptions options, ulong seed, SimulatedMemberFactory factory, SimulatedJoinerFactory? joiners, int maxEvents, TextWriter output)
    {
        var r = SimulationRunner.Run(options, seed, factory, keepHistory: true, joiners: joiners);
        var merged = r.History!.SelectMany(h => h.Events.Select((e, k) => (h.Member, Event: e, k))).OrderBy(x => x.Event.TimeMs).ThenBy(x => x.Member.Address, StringComparer.Ordinal).ThenBy(x => x.k).ToList();
        var focus = r.Violations.FirstOrDefault(v => !v.Messages.IsDefaultOrEmpty);
        var at = 0;
        if (focus is not null)
        {
            var ids = focus.Messages.ToHashSet();
            var hit = merged.FindIndex(x => x.Event is MessageEvent m && ids.Contains(m.Id));
            if (hit >= 0) at = hit;
        }
        var start = Math.Max(0, Math.Min(at - maxEvents / 4, merged.Count - maxEvents));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  trace of seed {seed}: events {start}..{Math.Min(merged.Count, start + maxEvents) - 1} of {merged.Count}"));
        foreach (var x in merged.Skip(start).Take(maxEvents))
        {
            // Membership events always; message events too (the window is around the first violation).
            output.WriteLine($"    {x.Member} {x.Event}");
        }
    }

    private static string FirstLine(string text)
    {
        var newline = text.IndexOf('\n');
        return newline < 0 ? text : text[..newline].TrimEnd('\r');
    }

    private static void Positive(Option<int> option) => AtLeast(option, 1);

    private static void AtLeast(Option<int> option, int min) =>
        option.Validators.Add(result =>
        {
            // A token that is not a number is reported by the parser itself.
            if (result.Tokens.Count == 1 && int.TryParse(result.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value < min)
                result.AddError($"{option.Name} must be at least {min}.");
        });

    private static void Probability(Option<double> option, bool allowOne) =>
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count != 1 || !double.TryParse(result.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var p)) return;
            if (!(p >= 0 && (allowOne ? p <= 1 : p < 1)))
                result.AddError($"{option.Name} must be in [0, {(allowOne ? "1]" : "1)")}.");
        });
}
