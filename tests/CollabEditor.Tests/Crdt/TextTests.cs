using CollabEditor.Crdt;
using CollabEditor.Tests.Support;

namespace CollabEditor.Tests.Crdt;

public class TextTests
{
    [Fact]
    public void Positions_count_code_points_and_never_split_an_emoji()
    {
        var net = new Network(2, 1);
        net.Edit(0, new Patch(0, 0, "a😀b🎉c"));
        Assert.Equal(5, net.Docs[0].Length);
        net.Edit(0, new Patch(2, 1, "X"));          // replaces "b" (code point 2), not half of 😀
        net.Edit(0, new Patch(1, 1, ""));           // deletes 😀 whole
        net.DeliverAll();
        net.AssertConverged();
        Assert.Equal("aX🎉c", net.Docs[1].GetText());
        net.Edit(1, new Patch(2, 0, "👍🏽"));          // two code points (emoji + skin tone)
        net.DeliverAll();
        net.AssertConverged();
        Assert.Equal("aX👍🏽🎉c", net.Docs[0].GetText());
        Assert.Equal(6, net.Docs[0].Length);
    }

    [Fact]
    public void A_patch_outside_the_document_is_refused_and_changes_nothing()
    {
        var doc = new TextDocument();
        var a = doc.Agent("a");
        doc.Edit(a, [new Patch(0, 0, "hello")]);
        var e = Assert.Throws<EditRejectedException>(() => doc.Edit(a, [new Patch(5, 0, "!"), new Patch(3, 9, "")]));
        Assert.Contains("patch 1", e.Message);
        Assert.Throws<EditRejectedException>(() => doc.Edit(a, [new Patch(0, 0, "\uD800x")]));
        Assert.Equal("hello", doc.GetText());
        Assert.Equal(1, doc.TxnCount(a));
    }

    [Fact]
    public void An_update_whose_causal_past_is_missing_or_that_is_malformed_is_refused_and_changes_nothing()
    {
        var source = new TextDocument();
        var s = source.Agent("s");
        var w = new UpdateWriter();
        source.Edit(s, [new Patch(0, 0, "abc")], w);
        var first = w.ToArray();
        source.Edit(s, [new Patch(1, 1, "Q")], w);
        var second = w.ToArray();

        var target = new TextDocument();
        Assert.Throws<EditRejectedException>(() => target.ApplyUpdate(second));
        Assert.Throws<EditRejectedException>(() => target.ApplyUpdate(first.AsSpan(0, first.Length - 2)));
        Assert.Throws<EditRejectedException>(() => target.ApplyUpdate([9, 1, 2]));
        Assert.Equal("", target.GetText());
        Assert.True(target.ApplyUpdate(first));
        Assert.True(target.ApplyUpdate(second));
        Assert.Equal("aQc", target.GetText());
    }

    [Fact]
    public void An_edit_at_a_past_version_uses_the_positions_of_that_version()
    {
        var doc = new TextDocument();
        var a = doc.Agent("a");
        var b = doc.Agent("b");
        doc.Edit(a, [new Patch(0, 0, "hello world")]);
        var v = new[] { 1, 0 };
        doc.Edit(a, [new Patch(0, 5, "HELLO")]);        // a's second transaction
        // b saw only a's first transaction: position 6 is "w" there
        doc.EditAt(b, v, [new Patch(6, 0, "big ")]);
        Assert.Equal("HELLO big world", doc.GetText());
        // at b's version (a:1, b:1) "hello" is still there: delete it and insert at 0
        doc.EditAt(b, new[] { 1, 1 }, [new Patch(0, 6, ">")]);
        Assert.Equal("HELLO>big world", doc.GetText());
        Assert.Throws<EditRejectedException>(() => doc.EditAt(a, new[] { 1, 0 }, [new Patch(0, 0, "x")]));
    }
}
