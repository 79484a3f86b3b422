# The stream processor on the local stack: a posted message reaches both
# participants' conversation lists through DynamoDB Local's stream and the
# poller (build/cruddur-stream); concurrent posts converge on the newest;
# the poller stopped or killed mid-stream and restarted by scripts/dev/up
# loses nothing and replays nothing.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use Time::HiRes qw(time sleep);
use HTTP::Tiny;
use JSON::PP;
use CruddurTest;

my $root  = repo_root();
my $state = $ENV{CRUDDUR_STATE} or die "CRUDDUR_STATE is not set: run through scripts/test\n";
my $SEED_GROUP = '5c0a3e1b-8d2f-4e6a-9b71-2f4c8d9e0a13';   # andrewbrown <-> bayko

sub poller_pid {
    open(my $fh, '<', "$state/stream.pid") or return;
    my $pid = <$fh>;
    chomp $pid if defined $pid;
    return ($pid && kill(0, $pid)) ? $pid : undef;
}
plan skip_all => 'the stream poller is not running (no build/cruddur-stream?)' unless poller_pid();

# The conversation group of handle's list, or undef.
sub group_of {
    my ($handle, $group) = @_;
    my $r = api(GET => '/api/message_groups', token => $handle);
    return unless $r->{status} == 200 && ref $r->{json} eq 'ARRAY';
    my ($g) = grep { $_->{uuid} eq $group } @{ $r->{json} };
    return ($g, $r->{json}[0]);
}

# Waits (at most $limit s) until both handles' row of $group shows $text at
# $at (and is first in their list when $first); the seconds it took or undef.
sub wait_rows {
    my (%o) = @_;
    my $t0 = time;
    while (time - $t0 < $o{limit}) {
        my $ok = 1;
        for my $h (@{ $o{handles} }) {
            my ($g, $top) = group_of($h, $o{group});
            $ok &&= $g && $g->{message} eq $o{text} && $g->{created_at} eq $o{at};
            $ok &&= $top && $top->{uuid} eq $o{group} if $o{first};
        }
        return time - $t0 if $ok;
        sleep 0.05;
    }
    return;
}

sub post_message {
    my ($http, $handle, $group, $text) = @_;
    my $res = $http->request(POST => base_url() . '/api/messages', {
        headers => { 'content-type' => 'application/json',
                     authorization => 'Bearer ' . token($handle) },
        content => encode_json({ message => $text, message_group_uuid => $group }),
    });
    return unless $res->{status} == 200;
    return decode_json($res->{content});
}

# How fast the stream processor is belongs to the bench, not here: each wait
# below has a deadline far above the usual fraction of a second, so that a
# loaded machine does not fail it, and notes the time it took.
subtest 'a message reaches both lists' => sub {
    my $text = sprintf 'stream check %d.%d', time, $$;
    my $r = api(POST => '/api/messages', token => 'andrewbrown',
                json => { message => $text, message_group_uuid => $SEED_GROUP });
    is $r->{status}, 200, 'posted' or diag $r->{content};
    my $took = wait_rows(handles => [qw(andrewbrown bayko)], group => $SEED_GROUP,
                         text => $text, at => $r->{json}{created_at}, first => 1, limit => 30);
    ok defined $took, 'both conversation lists show it first, with its text';
    note sprintf 'took %.2f s', $took if defined $took;
};

# A conversation andrewbrown <-> londo (created, or reused when it exists).
my $start = api(POST => '/api/messages', token => 'andrewbrown',
                json => { message => 'hello londo', handle => 'londo' });
is $start->{status}, 200, 'conversation with londo' or diag $start->{content};
my $LONDO_GROUP = $start->{json}{message_group_uuid};
token($_) for qw(andrewbrown londo);   # fetched once, before any fork

# Posts n messages to the londo conversation from k processes at once (or
# one after another when k is 1); the newest answer {text, at}.
sub burst {
    my ($n, $k, $tag) = @_;
    my @kids;
    for my $p (0 .. $k - 1) {
        pipe(my $rd, my $wr) or die "pipe: $!";
        my $pid = fork // die "fork: $!";
        if ($pid == 0) {
            close $rd;
            my $http = HTTP::Tiny->new(timeout => 30);   # not the parent's socket
            for (my $i = $p; $i < $n; $i += $k) {
                my $who = $i % 2 ? 'londo' : 'andrewbrown';
                my $m = post_message($http, $who, $LONDO_GROUP, "$tag $i");
                print {$wr} $m ? "$m->{created_at}\t$m->{message}\n" : "FAIL\n";
            }
            close $wr;
            exit 0;
        }
        close $wr;
        push @kids, [$pid, $rd];
    }
    my @got;
    for my $kid (@kids) {
        my $fh = $kid->[1];
        push @got, map { chomp; $_ } <$fh>;
        waitpid $kid->[0], 0;
    }
    my @ok = grep { $_ ne 'FAIL' } @got;
    is scalar(@ok), $n, "$n messages posted";
    my ($newest) = sort { $b cmp $a } @ok;
    my ($at, $text) = split /\t/, $newest // "\t";
    return { at => $at, text => $text };
}

subtest '50 concurrent messages leave both rows at the newest' => sub {
    my $last = burst(50, 10, sprintf('burst %d', time));
    my $took = wait_rows(handles => [qw(andrewbrown londo)], group => $LONDO_GROUP,
                         text => $last->{text}, at => $last->{at}, limit => 30);
    ok defined $took, "both group rows at the newest message ($last->{text})";
};

# The poller's log between bytes $from and $to: for each shard,
# {resume => [seq...], applied => [[first, last]...]} in order.
sub log_between {
    my ($from, $to) = @_;
    open(my $fh, '<', "$state/stream.log") or return {};
    seek $fh, $from, 0;
    my %s;
    while (tell($fh) < $to and defined(my $l = <$fh>)) {
        if ($l =~ /stream: shard (\S+) from after (\d+)/) {
            push @{ $s{$1}{resume} }, $2;
        } elsif ($l =~ /stream: shard (\S+): applied \d+ records (\d+)\.\.(\d+)/) {
            push @{ $s{$1}{applied} }, [$2, $3];
        }
    }
    return \%s;
}

sub seq_cmp { length($_[0]) <=> length($_[1]) || $_[0] cmp $_[1] }

sub restart_mid_stream {
    my ($signal) = @_;
    my $pid = poller_pid();
    ok $pid, 'the poller runs';
    # 30 messages one after another, the poller stopped after the 10th.
    my $tag = sprintf('%s restart %d', $signal, time);
    my $kid = fork // die "fork: $!";
    if ($kid == 0) {
        my $http = HTTP::Tiny->new(timeout => 30);
        for my $i (0 .. 29) {
            post_message($http, $i % 2 ? 'londo' : 'andrewbrown', $LONDO_GROUP, "$tag $i");
        }
        exit 0;
    }
    my $t0 = time;
    sleep 0.1 while time - $t0 < 1.0;
    kill $signal, $pid;
    my $t1 = time;
    sleep 0.05 while kill(0, $pid) && time - $t1 < 15;
    ok !kill(0, $pid), "the poller is gone (SIG$signal)";
    my $cut = -s "$state/stream.log";
    is system("$root/scripts/dev/up >/dev/null"), 0, 'scripts/dev/up restarts the poller';
    my $new = poller_pid();
    ok $new && $new != $pid, 'a new poller runs';
    waitpid $kid, 0;
    # The newest message of the burst, as the server stored it.
    my $r = api(GET => "/api/messages/$LONDO_GROUP", token => 'andrewbrown');
    my $last = $r->{json}[-1];
    is $last->{message}, "$tag 29", 'the last message is stored';
    my $took = wait_rows(handles => [qw(andrewbrown londo)], group => $LONDO_GROUP,
                         text => $last->{message}, at => $last->{created_at}, limit => 30);
    ok defined $took, 'both group rows reach the newest message: nothing lost';
    return (log_between(0, $cut), log_between($cut, -s "$state/stream.log"));
}

subtest 'poller stopped (SIGTERM) mid-stream: resumes exactly where it stopped' => sub {
    my ($before, $after) = restart_mid_stream('TERM');
    my $checked = 0;
    for my $shard (sort keys %$after) {
        my $resume = $after->{$shard}{resume} or next;
        my $old = $before->{$shard}{applied} or next;
        $checked++;
        # Nothing skipped: it goes on right after the old poller's last batch.
        is $resume->[0], $old->[-1][1], "shard $shard resumes after the last record applied";
        # Nothing replayed: what it applies next comes after that.
        for my $batch (@{ $after->{$shard}{applied} || [] }) {
            ok seq_cmp($batch->[0], $resume->[0]) > 0, "shard $shard: $batch->[0] is new";
            last;
        }
    }
    ok $checked, 'a shard resumed from its checkpoint';
};

subtest 'poller killed (SIGKILL) mid-stream: converges' => sub {
    restart_mid_stream('KILL');
};

done_testing;
