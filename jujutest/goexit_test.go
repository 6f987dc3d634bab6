package jujutest_test

import "runtime"

func runtimeGoexit() { runtime.Goexit() }
