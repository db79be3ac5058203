#!/usr/bin/perl
# Steady-state Sisimai: one long-lived perl process runs Sisimai->make over the folder round after round and prints each
# round's wall and CPU (user + system) seconds. Perl start-up, module loading and the first round are not counted.
# Usage: perl bench/bounces/sisimai-steady.pl <folder> [rounds=5]
use strict;
use warnings;
use Sisimai;
use Time::HiRes qw(time);

my ($folder, $rounds) = @ARGV;
$rounds ||= 5;
my $round = sub { my $v = Sisimai->make($folder, 'vacation' => 1) || []; return scalar @$v };
my $found = $round->();
print "results $found (warm-up round not counted)\n";
for my $i (1 .. $rounds) {
    my @t0 = times; my $w0 = time;
    $round->();
    my $w = time - $w0; my @t1 = times;
    printf "round %d wall %.3f cpu %.3f\n", $i, $w, ($t1[0] - $t0[0]) + ($t1[1] - $t0[1]);
}
