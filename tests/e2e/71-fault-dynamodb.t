# Fault: DynamoDB Local killed (SIGKILL) and started again while clients
# write and read messages. It runs -inMemory, so the kill loses the table by
# design: the writes acknowledged before the kill are checked before it
# (phase 1), and after it only the writes acknowledged once it is back can
# be checked (phase 2). Meanwhile callers see 200 or 503
# messages_unavailable (also while the table is not yet re-created), or
# outcome_unknown for a post sent just before the kill and never answered,
# never a 404, a 500 or a hang; PostgreSQL routes keep serving throughout.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use CruddurTest;
use CruddurLoad;
use CruddurFault;
use CruddurHard qw(worker_pids);

my $root = repo_root();
my @pairs = ([qw(andrewbrown bayko)], [qw(bayko londo)], [qw(londo andrewbrown)]);
token($_) for qw(andrewbrown bayko londo);
my $tag = "fault-ddb-$$";
my $workers = worker_pids();

# Each client talks within one pair, so no two clients start the same
# conversation at once; every 4th request reads, every 5th is PostgreSQL's.
sub request {
    my ($c, $n) = @_;
    my ($me, $them) = @{ $pairs[$c % 3] };
    return (GET => '/api/message_groups', token => $me) if $n % 4 == 0;
    return (GET => '/api/users/@londo/short') if $n % 5 == 0;
    return (POST => '/api/messages', token => $me, json => { message => "$tag $c.$n", handle => $them });
}

# Every message text in a conversation, as its participant reads it.
sub listed {
    my ($group, $who) = @_;
    my (%texts, $before);
    for (;;) {
        my $path = "/api/messages/$group?limit=100";
        if (defined $before) {
            (my $b = $before) =~ s/\+/%2B/g;
            $path .= "&before=$b";
        }
        my $r = api(GET => $path, token => $who);
        return undef unless $r->{status} == 200;
        $texts{ $_->{message} } = 1 for @{ $r->{json} };
        last if @{ $r->{json} } < 100;
        $before = $r->{json}[0]{created_at};
    }
    return \%texts;
}

sub check_acked {
    my ($what, @r) = @_;
    my @acked = grep { $_->{method} eq 'POST' && $_->{status} == 200 } @r;
    my %by_group;
    push @{ $by_group{ $_->{group} // '' } }, $_ for @acked;
    my @lost;
    for my $g (keys %by_group) {
        my ($me) = @{ $pairs[ $by_group{$g}[0]{client} % 3 ] };
        my $texts = $g ne '' ? listed($g, $me) : undef;
        push @lost, grep { !$texts || !$texts->{ $_->{message} } } @{ $by_group{$g} };
    }
    ok @acked > 0, "$what: " . scalar(@acked) . ' acknowledged messages';
    is scalar(@lost), 0, "$what: every one listed in its conversation"
        or diag join "\n", map { sprintf '  lost %s in %s, sent %.3f answered %.3f', $_->{message}, $_->{group} // '-', $_->{t0}, $_->{t1} } @lost;
    return (scalar @acked, scalar @lost);
}

# Phase 1: steady writes, checked while the table still holds them.
my $warm = load_start(clients => 3, request => \&request);
sleep 3;
my @phase1 = load_stop($warm);
is scalar(grep { $_->{status} != 200 } @phase1), 0, 'phase 1: ' . summarize(@phase1);
my ($acked1, $lost1) = check_acked('phase 1 (before the kill)', @phase1);

# Phase 2: the kill, under the same load.
my $f = fault_run(
    name    => 'DynamoDB Local killed',
    clients => 3,
    request => \&request,
    break   => sub { stack('cr_stop dynamodb "$CR_TEXT_dynamodb" KILL >/dev/null') or die "kill failed\n" },
    outage  => 3,
    # scripts/dev/up starts what is missing, re-creates the table and seed.
    restore => sub { system(qq{"$root/scripts/dev/up" >/dev/null 2>&1}) == 0 or die "up failed\n" },
    allowed => { 503 => qr/^(messages_unavailable|outcome_unknown)$/ },
);
fault_checks($f);
my @r = @{ $f->{results} };
ok((grep { $_->{status} == 503 } @r), 'the outage was seen (503s)');
is scalar(grep { $_->{path} =~ m{^/api/users/} && $_->{status} != 200 } @r), 0,
    'PostgreSQL routes served throughout';
is worker_pids(), $workers, 'the same workers throughout';
# Sent after the kill had landed: acknowledged once the table was back.
my ($acked2, $lost2) = check_acked('phase 2 (after the restart)', grep { $_->{t0} > $f->{t_broken} } @r);
fault_report($f, acked_writes => $acked1 + $acked2, lost => $lost1 + $lost2,
             note => 'in-memory: writes before the kill are gone with the table by design');

done_testing;
