using MimeKit;

namespace Madoguchi.Core.Bounces.Analysis;

public static partial class BounceAnalyzer
{
    /// <summary>A report's subject and own words (the pasted original cut off), with what its recipients all read from them
    /// made once, on first need, instead of once per recipient: the lines, the lower-cased whole, and the reason its
    /// words give.</summary>
    private sealed class ReportText(string subject, string text, HeaderList? headers = null)
    {
        private ReportingServer? _server;
        private TextLines? _lines;
        private string? _lower;
        private string? _wordsReason;
        private bool _wordsRead;

        public string Subject { get; } = subject;

        public string Text { get; } = text;

        /// <summary>The reporting server when it is one read in a way of its own (<see cref="ReportingServers"/>).</summary>
        public ReportingServer Server => _server ??= headers is null ? ReportingServer.Other : ReportingServers.Of(headers, Text);

        public TextLines Lines => _lines ??= new TextLines(Text);

        /// <summary>(subject + "\n" + text), lower-cased.</summary>
        public string Lower => _lower ??= LowerJoined(Subject, Text);

        /// <summary>The text alone, lower-cased.</summary>
        public ReadOnlySpan<char> LowerText => Lower.AsSpan(Subject.Length + 1);

        /// <summary>The reason the words of the subject and text give (<see cref="BounceReasons.FromWords"/>), or null.</summary>
        public string? WordsReason
        {
            get
            {
                if (!_wordsRead)
                {
                    _wordsReason = BounceReasons.FromWords(Lower);
                    _wordsRead = true;
                }
                return _wordsReason;
            }
        }
    }
}
