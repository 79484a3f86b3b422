# POST /api/activities with an Idempotency-Key header: a retry (or a twin
# sent at the same moment) by the same caller with the same key answers
# what the first post answered, and only one activity is stored; another
# caller's key is another key; a malformed key changes nothing.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/lib";
use Test::More;
use POSIX ();
use CruddurTest;

token($_) for qw(andrewbrown bayko);
my $tag = "idem-$$";
sub stored { sql_value("SELECT count(*) FROM activities WHERE message = '$_[0]'") }
sub post {
    my ($who, $key, $msg) = @_;
    return api(POST => '/api/activities', token => $who, headers => { 'Idempotency-Key' => $key },
               json => { message => $msg, ttl => '1-hour' });
}

subtest 'a retry answers the first post' => sub {
    my $first = post('andrewbrown', "$tag-a", "$tag a");
    is $first->{status}, 200, 'first post 200';
    ok $first->{json}{uuid}, 'with its uuid';
    my $again = post('andrewbrown', "$tag-a", "$tag a");
    is $again->{status}, 200, 'the retry 200';
    is_deeply $again->{json}, $first->{json}, 'the same answer';
    is stored("$tag a"), 1, 'one activity stored';
};

subtest "another caller's key is another key" => sub {
    my $mine = post('andrewbrown', "$tag-b", "$tag b1");
    my $theirs = post('bayko', "$tag-b", "$tag b2");
    is $theirs->{status}, 200, '200';
    isnt $theirs->{json}{uuid}, $mine->{json}{uuid}, 'a new activity';
    is $theirs->{json}{handle}, 'bayko', 'by its caller';
};

subtest 'twins at the same moment post once' => sub {
    my $dir = "/tmp/idem-$$";
    mkdir $dir;
    my @pids;
    for my $i (1 .. 4) {
        my $pid = fork() // die "fork: $!\n";
        if ($pid == 0) {
            my $r = post('andrewbrown', "$tag-c", "$tag c");
            open(my $fh, '>', "$dir/$i") or POSIX::_exit(1);
            print $fh "$r->{status} " . ($r->{json}{uuid} // '-') . "\n";
            close $fh;
            POSIX::_exit(0);
        }
        push @pids, $pid;
    }
    waitpid $_, 0 for @pids;
    my @answers = map { open(my $fh, '<', "$dir/$_") or die; my $l = <$fh>; chomp $l; unlink "$dir/$_"; $l } 1 .. 4;
    rmdir $dir;
    my %uuids = map { (split / /)[1] => 1 } @answers;
    is scalar(grep { /^200 / } @answers), 4, 'all four 200' or diag "@answers";
    is scalar(keys %uuids), 1, 'all the same activity';
    is stored("$tag c"), 1, 'one activity stored';
};

subtest 'a malformed key changes nothing' => sub {
    my $r = post('andrewbrown', 'k' x 129, "$tag d");
    is $r->{status}, 400, '400';
    is_deeply $r->{json}, { errors => ['idempotency_key_invalid'] }, 'idempotency_key_invalid';
    is stored("$tag d"), 0, 'nothing stored';
};

done_testing;
