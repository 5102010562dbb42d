using System.Globalization;
using System.Text.Json;
using ActorCausal.Benchmarks.Workloads;
using ActorCausal.Protocol;

namespace ActorCausal.Benchmarks.Core;

/// <summary>How much work <see cref="CoreSuite"/> does.</summary>
public sealed record CoreOptions
{
    /// <summary>Timed runs per measurement; the median is reported.</summary>
    public int Runs { get; init; } = 7;

    /// <summary>Unrecorded runs before the timed ones (JIT tiering, caches).</summary>
    public int Warmups { get; init; } = 2;

    /// <summary>Messages in the in-order and reversed causal runs.</summary>
    public int CausalMessages { get; init; } = 700_000;

    /// <summary>Messages in the naive-baseline comparison (the brief fixes 16,000).</summary>
    public int NaiveMessages { get; init; } = 16_000;

    /// <summary>Runs of our member on the naive input: each is only milliseconds long, so take more.</summary>
    public int SmallRuns { get; init; } = 31;

    /// <summary>Total-order rounds; every member broadcasts <see cref="TotalPerMemberPerRound"/> per round.</summary>
    public int TotalRounds { get; init; } = 2_000;

    public int TotalPerMemberPerRound { get; init; } = 4;

    /// <summary>Rounds between Ticks (time advances one stability interval per Tick).</summary>
    public int TotalTickEveryRounds { get; init; } = 8;

    public static CoreOptions Quick { get; } = new()
    {
        Runs = 3,
        Warmups = 1,
        CausalMessages = 70_000,
        NaiveMessages = 4_000,
        SmallRuns = 5,
        TotalRounds = 100,
    };
}

/// <summary>The headline figures: causal delivery in and out of order, the naive baseline, and ISIS total order.</summary>
public sealed class CoreSuite
{
    public const double InOrderTarget = 3_000_000;
    public const double ReversedFractionTarget = 1.0 / 3.0;
    public const double NaiveRatioTarget = 100;

    private readonly CoreOptions _options;
    private readonly TextWriter _out;

    public CoreSuite(CoreOptions options, TextWriter output)
    {
        _options = options;
        _out = output;
    }

    public sealed record Results(
        Measurement InOrder,
        Measurement Reversed,
        Measurement OursSmallReversed,
        Measurement NaiveReversed,
        Measurement Total3,
        Measurement Total2,
        double Total3Delays,
        double Total2Delays,
        SafeFigures Safe)
    {
        public double ReversedVsInOrder => Reversed.Median / InOrder.Median;
        public double OursVsNaive => OursSmallReversed.Median / NaiveReversed.Median;
        public double Total3VsTotal2Throughput => Total3.Median / Total2.Median;
    }

    public Results Run()
    {
        var o = _options;
        _out.WriteLine($"ActorCausal core benchmarks: {Environment.ProcessorCount} logical cores, .NET {Environment.Version}, " +
                       $"{o.Runs} timed runs (+{o.Warmups} warm-up) per figure, median reported.");

        // ---- Causal, one receiver, 7 senders -------------------------------------------------------------------
        var (inOrder, reversed) = MeasureCausal();
        var settings = CausalWorkload.ReceiverSettings;

        // ---- Naive baseline on a small reversed input ----------------------------------------------------------
        var small = CausalWorkload.Generate(o.NaiveMessages);
        Progress($"naive baseline, {o.NaiveMessages:N0} reversed messages");
        VerifyNaive(small);
        var naive = new Measurement("naive_reversed_per_sec", "deliveries/s", Stats.RatePerSecond(
            warmups: 1, runs: o.Runs,
            setup: () => new NaiveCausalReceiver(BenchGroup.Size),
            timed: receiver =>
            {
                foreach (var m in small.Reversed) receiver.Receive(m);
                return receiver.DeliveredCount;
            },
            expectedUnits: small.Count));
        Progress($"ours, same {o.NaiveMessages:N0} reversed messages");
        var oursSmall = new Measurement("causal_reversed_small_per_sec", "deliveries/s",
            FeedRates(small.Reversed, settings, o.Warmups + 3, o.SmallRuns));

        // ---- ISIS total order, 8 members on an instant network ------------------------------------------------
        var total3 = MeasureTotal(TotalOrderMode.ThreeStep, "total3_per_sec");
        var total2 = MeasureTotal(TotalOrderMode.TwoStep, "total2_per_sec");

        Progress("total-order delays (simulator)");
        var delays3 = TotalOrderDelaySource.Measure(TotalOrderMode.ThreeStep, BenchGroup.Size);
        var delays2 = TotalOrderDelaySource.Measure(TotalOrderMode.TwoStep, BenchGroup.Size);

        var safe = MeasureSafe(total3, total2);
        return new Results(inOrder, reversed, oursSmall, naive, total3, total2, delays3, delays2, safe);
    }

    /// <summary>
    /// Safe delivery beside the orders it builds on, in the same 8-member harness and run: causal and safe causal
    /// throughput, safe total (3- and 2-step) beside the total figures above, and message delays of each.
    /// </summary>
    public sealed record SafeFigures(
        Measurement Causal, Measurement SafeCausal, Measurement SafeTotal3, Measurement SafeTotal2,
        double CausalDelays, double SafeCausalDelays, double SafeTotal3Delays, double SafeTotal2Delays, Measurement Total3, Measurement Total2)
    {
        public double SafeVsCausal => SafeCausal.Median / Causal.Median;
        public double SafeTotal3VsTotal3 => SafeTotal3.Median / Total3.Median;
        public double SafeTotal2VsTotal2 => SafeTotal2.Median / Total2.Median;
    }

    private SafeFigures MeasureSafe(Measurement total3, Measurement total2)
    {
        var causal = MeasureTotal(TotalOrderMode.ThreeStep, "causal8_per_sec", DeliveryOrder.Causal);
        var safeCausal = MeasureTotal(TotalOrderMode.ThreeStep, "safe_causal8_per_sec", DeliveryOrder.SafeCausal);
        var safe3 = MeasureTotal(TotalOrderMode.ThreeStep, "safe_total3_per_sec", DeliveryOrder.SafeTotal);
        var safe2 = MeasureTotal(TotalOrderMode.TwoStep, "safe_total2_per_sec", DeliveryOrder.SafeTotal);
        Progress("causal and safe delays (simulator)");
        return new SafeFigures(causal, safeCausal, safe3, safe2,
            TotalOrderDelaySource.Measure(DeliveryOrder.Causal, TotalOrderMode.ThreeStep, BenchGroup.Size),
            TotalOrderDelaySource.Measure(DeliveryOrder.SafeCausal, TotalOrderMode.ThreeStep, BenchGroup.Size),
            TotalOrderDelaySource.Measure(DeliveryOrder.SafeTotal, TotalOrderMode.ThreeStep, BenchGroup.Size),
            TotalOrderDelaySource.Measure(DeliveryOrder.SafeTotal, TotalOrderMode.TwoStep, BenchGroup.Size),
            total3, total2);
    }

    private (Measurement InOrder, Measurement Reversed) MeasureCausal()
    {
        var o = _options;
        Progress($"generating {o.CausalMessages:N0} causal messages");
        var big = CausalWorkload.Generate(o.CausalMessages);
        var settings = CausalWorkload.ReceiverSettings;

        Progress("checking delivery order (untimed)");
        CausalFeeder.Verify(CausalWorkload.NewReceiver(settings), big.InOrder, big.InOrder, "in-order");
        CausalFeeder.Verify(CausalWorkload.NewReceiver(settings), big.Reversed, big.InOrder, "reversed");

        Progress("causal in order");
        var inOrder = new Measurement("causal_in_order_per_sec", "deliveries/s",
            FeedRates(big.InOrder, settings, o.Warmups, o.Runs));
        Progress("causal reversed");
        var reversed = new Measurement("causal_reversed_per_sec", "deliveries/s",
            FeedRates(big.Reversed, settings, o.Warmups, o.Runs));
        return (inOrder, reversed);
    }

    private static List<double> FeedRates(Protocol.Messages.DataMessage[] messages, GroupMemberSettings settings, int warmups, int runs)
    {
        var effects = new List<Effect>(64);
        return Stats.RatePerSecond(
            warmups, runs,
            setup: () => CausalWorkload.NewReceiver(settings),
            timed: member => CausalFeeder.Feed(member, messages, effects),
            expectedUnits: messages.Length);
    }

    private static void VerifyNaive(CausalWorkload workload)
    {
        var order = new List<MessageId>(workload.Count);
        var naive = new NaiveCausalReceiver(BenchGroup.Size) { OnDeliver = m => order.Add(m.Id) };
        foreach (var m in workload.Reversed) naive.Receive(m);
        if (!order.SequenceEqual(workload.InOrder.Select(m => m.Id)))
            throw new InvalidOperationException("The naive baseline delivered out of causal order.");
    }

    private Measurement MeasureTotal(TotalOrderMode mode, string name, DeliveryOrder order = DeliveryOrder.Total)
    {
        var o = _options;
        var expected = (long)o.TotalRounds * o.TotalPerMemberPerRound * BenchGroup.Size;
        Progress($"{name}: checking agreement (untimed)");
        var check = new TotalOrderCluster(mode, recordDeliveries: true, order);
        check.Run(o.TotalRounds, o.TotalPerMemberPerRound, o.TotalTickEveryRounds);
        check.VerifyAgreement(expected, name);
        Progress($"{name}: {expected:N0} messages x {BenchGroup.Size} members, {check.NetworkMessages:N0} network messages per run" +
                 (check.Refusals > 0 ? $", {check.Refusals} back-pressure refusals" : ""));

        // Figure: total-order messages delivered at all 8 members, per second of wall time.
        return new Measurement(name, "msgs/s (all 8 delivered)", Stats.RatePerSecond(
            o.Warmups, o.Runs,
            setup: () => new TotalOrderCluster(mode, order: order),
            timed: cluster =>
            {
                cluster.Run(o.TotalRounds, o.TotalPerMemberPerRound, o.TotalTickEveryRounds);
                return cluster.TotalDeliveries / BenchGroup.Size;
            },
            expectedUnits: expected));
    }

    private void Progress(string what) => _out.WriteLine($"  .. {what}");

    public void Print(Results r)
    {
        _out.WriteLine();
        var rows = new List<string[]>
        {
            new[] { "figure", "median", "min", "max", "target", "met" },
            Row(r.InOrder, $">= {Fmt(InOrderTarget)}", r.InOrder.Median >= InOrderTarget),
            Row(r.Reversed, $">= 1/3 in-order ({Fmt(r.InOrder.Median * ReversedFractionTarget)})", r.ReversedVsInOrder >= ReversedFractionTarget),
            Row(r.OursSmallReversed, $"{_options.NaiveMessages:N0} msgs", null),
            Row(r.NaiveReversed, $"{_options.NaiveMessages:N0} msgs", null),
            Row(r.Total3, "", null),
            Row(r.Total2, "", null),
            new[] { "total3_delays", Fmt(r.Total3Delays), "", "", "message delays", "" },
            new[] { "total2_delays", Fmt(r.Total2Delays), "", "", "message delays", "" },
            Row(r.Safe.Causal, "8 members, same harness", null),
            Row(r.Safe.SafeCausal, "", null),
            Row(r.Safe.SafeTotal3, "", null),
            Row(r.Safe.SafeTotal2, "", null),
            new[] { "causal_delays", Fmt(r.Safe.CausalDelays), "", "", "message delays", "" },
            new[] { "safe_causal_delays", Fmt(r.Safe.SafeCausalDelays), "", "", "message delays", "" },
            new[] { "safe_total3_delays", Fmt(r.Safe.SafeTotal3Delays), "", "", "message delays", "" },
            new[] { "safe_total2_delays", Fmt(r.Safe.SafeTotal2Delays), "", "", "message delays", "" },
        };
        WriteTable(rows);
        _out.WriteLine();
        _out.WriteLine($"reversed / in-order          = {r.ReversedVsInOrder:F2}  (target >= 0.33: {Met(r.ReversedVsInOrder >= ReversedFractionTarget)})");
        _out.WriteLine($"ours / naive ({_options.NaiveMessages:N0} reversed) = {r.OursVsNaive:F0}x  (target >= {NaiveRatioTarget:F0}x: {Met(r.OursVsNaive >= NaiveRatioTarget)})");
        _out.WriteLine($"total3 / total2 throughput   = {r.Total3VsTotal2Throughput:F2}");
        _out.WriteLine($"total3 / total2 delays       = {r.Total3Delays:G4} / {r.Total2Delays:G4}");
        _out.WriteLine($"safe causal / causal         = {r.Safe.SafeVsCausal:F2} throughput, {r.Safe.SafeCausalDelays:G4} / {r.Safe.CausalDelays:G4} delays");
        _out.WriteLine($"safe total3 / total3         = {r.Safe.SafeTotal3VsTotal3:F2} throughput, {r.Safe.SafeTotal3Delays:G4} / {r.Total3Delays:G4} delays");
        _out.WriteLine($"safe total2 / total2         = {r.Safe.SafeTotal2VsTotal2:F2} throughput, {r.Safe.SafeTotal2Delays:G4} / {r.Total2Delays:G4} delays");
    }

    public static void WriteJson(Results r, CoreOptions options, string path)
    {
        var figures = new Dictionary<string, double>
        {
            ["causal_in_order_per_sec"] = Math.Round(r.InOrder.Median),
            ["causal_reversed_per_sec"] = Math.Round(r.Reversed.Median),
            ["naive_reversed_per_sec"] = Math.Round(r.NaiveReversed.Median),
            ["total3_per_sec"] = Math.Round(r.Total3.Median),
            ["total2_per_sec"] = Math.Round(r.Total2.Median),
            ["total3_delays"] = r.Total3Delays,
            ["total2_delays"] = r.Total2Delays,
            ["causal8_per_sec"] = Math.Round(r.Safe.Causal.Median),
            ["safe_causal8_per_sec"] = Math.Round(r.Safe.SafeCausal.Median),
            ["safe_total3_per_sec"] = Math.Round(r.Safe.SafeTotal3.Median),
            ["safe_total2_per_sec"] = Math.Round(r.Safe.SafeTotal2.Median),
            ["causal_delays"] = r.Safe.CausalDelays,
            ["safe_causal_delays"] = r.Safe.SafeCausalDelays,
            ["safe_total3_delays"] = r.Safe.SafeTotal3Delays,
            ["safe_total2_delays"] = r.Safe.SafeTotal2Delays,
            // Supporting figures and ratios.
            ["causal_reversed_small_per_sec"] = Math.Round(r.OursSmallReversed.Median),
            ["ours_vs_naive_ratio"] = Math.Round(r.OursVsNaive, 1),
            ["reversed_vs_in_order_ratio"] = Math.Round(r.ReversedVsInOrder, 3),
            ["total3_vs_total2_throughput_ratio"] = Math.Round(r.Total3VsTotal2Throughput, 3),
            ["runs"] = options.Runs,
            ["causal_messages"] = options.CausalMessages,
            ["naive_messages"] = options.NaiveMessages,
            ["total_messages"] = (double)options.TotalRounds * options.TotalPerMemberPerRound * BenchGroup.Size,
        };
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        File.WriteAllText(path, JsonSerializer.Serialize(figures, new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine);
    }

    private static string[] Row(Measurement m, string target, bool? met) =>
        new[] { m.Name, Fmt(m.Median), Fmt(m.Min), Fmt(m.Max), target, met is null ? "" : Met(met.Value) };

    private static string Met(bool met) => met ? "yes" : "NO";

    private static string Fmt(double value) =>
        value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("G4", CultureInfo.InvariantCulture);

    private void WriteTable(List<string[]> rows)
    {
        var widths = new int[rows[0].Length];
        foreach (var row in rows)
        {
            for (var c = 0; c < row.Length; c++) widths[c] = Math.Max(widths[c], row[c].Length);
        }
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var cells = row.Select((cell, c) => c is >= 1 and <= 3 ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]));
            _out.WriteLine("| " + string.Join(" | ", cells) + " |");
            if (i == 0) _out.WriteLine("|" + string.Join("|", widths.Select((w, c) => c is >= 1 and <= 3 ? new string('-', w + 1) + ":" : new string('-', w + 2))) + "|");
        }
    }
}
